"""Where and how the heavy models run inside one worker process.

Every model inference goes through one thread per process: concurrent turns queue for it instead of
oversubscribing the cores (Whisper and the image models each use all of them), and a caller can stop
waiting after a timeout. The thread still finishes its job, which the upload limits keep bounded.
"""
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from functools import lru_cache

_INFERENCE = ThreadPoolExecutor(max_workers=1, thread_name_prefix="multimodal-inference")


class MediaTimeout(TimeoutError):
    """A model took longer than the turn can wait; the agent answers without that reading."""


def run_heavy(job, timeout_s: float):
    future = _INFERENCE.submit(job)
    try:
        return future.result(timeout=timeout_s)
    except FutureTimeout:
        future.cancel()  # if it has not started yet, it never will
        raise MediaTimeout(f"media model did not answer within {timeout_s:g} s") from None


@lru_cache(maxsize=1)
def torch_device() -> str:
    """CPU by default; a GPU when the machine has one (the same torch pin resolves to CUDA there)."""
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"
