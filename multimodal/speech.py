"""A shopper's voice note → what they said (openai-whisper, from a checkpoint built on this machine).

The checkpoint is built once by scripts/build_whisper.py from weights that registry packages carry
(nothing is downloaded at run time) and loaded once per worker process.
"""
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from multimodal.media import SAMPLE_RATE, decode_audio
from multimodal.runtime import run_heavy, torch_device

WHISPER_MODELS = ("base", "tiny.en")  # what scripts/build_whisper.py can build
DEFAULT_WHISPER_MODEL = "base"  # multilingual: the shop serves Chinese and English shoppers

# Quieter than this (peak, full scale = 1.0) is an empty room, not a shopper: skip the model.
SILENCE_PEAK = 10 ** (-45 / 20)


@dataclass(frozen=True)
class Transcript:
    text: str
    language: str | None
    duration_s: float
    silent: bool  # nothing was heard: the agent answers "I could not hear you", never an empty turn


def checkpoint_path(model: str, cache_dir: str = "~/.cache/shopagent") -> Path:
    """Where scripts/build_whisper.py puts a model's checkpoint, or `model` itself if it is a file."""
    if model.endswith(".pt"):
        return Path(model).expanduser()
    return Path(cache_dir).expanduser() / "whisper" / f"{model}.pt"


@lru_cache(maxsize=2)
def load_whisper(model: str, cache_dir: str):
    """Load once per process; later calls reuse the same model object."""
    import torch
    from whisper.model import ModelDimensions, Whisper

    path = checkpoint_path(model, cache_dir)
    if not path.is_file():
        raise FileNotFoundError(f"Whisper checkpoint {path} is missing: run `python scripts/build_whisper.py "
                                f"--model {model} --cache-dir {cache_dir}`")
    # whisper.load_model(path) would drop the alignment heads the checkpoint records, so read it here
    checkpoint = torch.load(path, map_location="cpu", weights_only=True)
    loaded = Whisper(ModelDimensions(**checkpoint["dims"]))
    loaded.load_state_dict(checkpoint["model_state_dict"])
    if heads := checkpoint.get("alignment_heads"):  # word timestamps need the published heads
        mask = torch.zeros(loaded.dims.n_text_layer, loaded.dims.n_text_head, dtype=torch.bool)
        for layer, head in heads:
            mask[layer, head] = True
        loaded.register_buffer("alignment_heads", mask.to_sparse(), persistent=False)
    return loaded.to(torch_device()).eval()


def transcribe(audio: bytes, language: str | None = None, *, model: str = "", cache_dir: str = "~/.cache/shopagent",
               max_seconds: float = 60.0, timeout_s: float = 60.0) -> Transcript:
    """Transcribe any audio ffmpeg decodes. `language` None or "" = detected (multilingual models)."""
    samples = decode_audio(audio, max_seconds=max_seconds)
    duration = len(samples) / SAMPLE_RATE
    model = model or DEFAULT_WHISPER_MODEL
    if duration < 0.1 or float(np.abs(samples).max(initial=0.0)) < SILENCE_PEAK:
        return Transcript("", language or None, duration, silent=True)
    result = run_heavy(lambda: _whisper_transcribe(samples, language or None, model, cache_dir), timeout_s)
    # whisper already drops windows it judges speechless (no_speech_threshold, logprob_threshold)
    text = result["text"].strip()
    if not re.search(r"\w", text):  # punctuation or nothing; a language "detected" in noise means nothing
        return Transcript("", language or None, duration, silent=True)
    return Transcript(text, result.get("language") or language, duration, silent=False)


def _whisper_transcribe(samples: np.ndarray, language: str | None, model: str, cache_dir: str) -> dict:
    loaded = load_whisper(model, cache_dir)
    if not loaded.is_multilingual:  # English-only models have no language tokens
        language = "en"
    return loaded.transcribe(
        samples, language=language, task="transcribe", fp16=loaded.device.type == "cuda",
        # Whisper writes Chinese in traditional characters unless a simplified prompt leads the way
        initial_prompt="以下是普通话的句子。" if language == "zh" else None,
        # few fallbacks: each one re-decodes the window, and a shopper waits
        temperature=(0.0, 0.4, 0.8), condition_on_previous_text=False, verbose=None)
