"""Runtime of the fast understanding tier: onnxruntime + numpy + fastmodels.text, no torch."""
from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import onnxruntime as ort

from fastmodels.text import Vocabulary, language_of, normalise_slot, pad_ngrams, pad_units, rule_slots

MODEL_DIR = Path(__file__).resolve().parent / "model"
# GPU providers first when this onnxruntime build and machine have them; CPU always works.
PREFERRED_PROVIDERS = ["TensorrtExecutionProvider", "CUDAExecutionProvider", "CPUExecutionProvider"]


@dataclass
class Understanding:
    text: str
    intent: str
    confidence: float            # calibrated probability of `intent` (temperature scaling on dev)
    slots: dict                  # first value of each slot, normalised to the contract
    frustration: float           # 0 calm … 1 angry / threatening
    language: str                # 'zh' | 'en': the dominant language, to reply in
    spans: list = field(default_factory=list)  # every (slot, value, start, end) found, in order
    scores: dict = field(default_factory=dict)  # calibrated probability of every intent
    second_opinion: bool = False  # the student was unsure, so the teacher's view was averaged in


class SecondOpinion:
    """The teacher (e5 sentence vectors + its head, calibrated by temperature on dev), asked only about
    the messages the student is unsure of; intent probabilities become the mean of the two. The e5 model
    loads on first use (about 1 s) and is the one the answer cache shares."""

    def __init__(self, model_dir: Path, temperature: float):
        from fastmodels.teacher import TeacherHead

        self.head, self.temperature = TeacherHead.load(model_dir / "teacher_head.npz"), temperature

    def probabilities(self, texts: list[str]) -> np.ndarray:
        from fastmodels.encoder import shared_encoder

        encoder = shared_encoder()
        vectors = np.stack([encoder.encode(t) for t in texts])  # one by one: the encoder remembers each
        return softmax(self.head.logits(vectors) / self.temperature)


class ShopperNLU:
    def __init__(self, model_dir: Path = MODEL_DIR, precision: str = "int8", threads: int | None = None,
                 providers: list[str] | None = None, second_opinion_below: float = 0.0):
        """second_opinion_below: the student confidence under which the teacher is asked too (0: never)."""
        model_dir = Path(model_dir)
        meta = json.loads((model_dir / "meta.json").read_text(encoding="utf-8"))
        self.intents, self.tags, self.temperature = meta["intents"], meta["tags"], meta["temperature"]
        self.second_opinion_below = second_opinion_below
        self.teacher = SecondOpinion(model_dir, meta.get("teacher_temperature", 1.0)) if second_opinion_below > 0 else None
        self.vocab = Vocabulary.load(model_dir / "vocab.json")
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads or 0
        opts.inter_op_num_threads = 1
        available = ort.get_available_providers()
        chosen = providers or [p for p in PREFERRED_PROVIDERS if p in available]
        self.session = ort.InferenceSession(str(model_dir / f"student.{precision}.onnx"), opts, providers=chosen)
        # the character n-gram (wide) branch, in models trained with it
        self.wide = any(i.name == "grams" for i in self.session.get_inputs())

    def predict(self, texts: list[str], batch_size: int = 64) -> list[Understanding]:
        encoded = [self.vocab.encode(t) for t in texts]
        # Batches of similar length waste little on padding.
        order = sorted(range(len(texts)), key=lambda i: len(encoded[i][0]))
        results: list[Understanding | None] = [None] * len(texts)
        for start in range(0, len(order), batch_size):
            idx = order[start:start + batch_size]
            ids, mask = pad_units([encoded[i][0] for i in idx])
            feeds = {"ids": ids, "mask": mask}
            if self.wide:
                feeds["grams"] = pad_ngrams([self.vocab.ngrams(texts[i]) for i in idx])
            intent, slots, frustration = self.session.run(None, feeds)
            probs = softmax(intent / self.temperature)
            tags = slots.argmax(-1)
            for row, i in enumerate(idx):
                results[i] = self._understand(texts[i], encoded[i], probs[row], tags[row], float(frustration[row]))
        unsure = [i for i, u in enumerate(results) if self.teacher and u.confidence < self.second_opinion_below]
        if unsure:
            teacher = self.teacher.probabilities([texts[i] for i in unsure])
            for i, theirs in zip(unsure, teacher):
                results[i] = self._with_second_opinion(results[i], theirs)
        return results

    def _with_second_opinion(self, u: Understanding, theirs: np.ndarray) -> Understanding:
        probs = (np.array([u.scores[name] for name in self.intents]) + theirs) / 2
        best = int(probs.argmax())
        return replace(u, intent=self.intents[best], confidence=float(probs[best]), second_opinion=True,
                       scores={name: float(p) for name, p in zip(self.intents, probs)})

    def _understand(self, text, encoded, probs, tags, frustration) -> Understanding:
        _, offsets, norm, origin = encoded
        spans = self._tagged_spans(text, norm, offsets, origin, tags[1:len(offsets) + 1])
        best = int(probs.argmax())
        return Understanding(text=text, intent=self.intents[best], confidence=float(probs[best]),
                             slots={s: v for s, v, _, _ in reversed(spans)}, frustration=min(max(frustration, 0.0), 1.0),
                             language=language_of(text), spans=spans,
                             scores={name: float(p) for name, p in zip(self.intents, probs)})

    def _tagged_spans(self, text, norm, offsets, origin, tags) -> list[tuple[str, object, int, int]]:
        """BIO tags → (slot, normalised value, start, end) in the original text, checked by exact rules."""
        raw, current = [], None
        for (s, e), tag in zip(offsets, tags):
            label = self.tags[tag]
            start, end = origin[s], origin[e - 1] + 1
            if label == "O":
                current = None
                continue
            kind, slot = label.split("-", 1)
            # I after the same slot, or a B only spaces/dashes away from it (138 1234 5678), continues it.
            joined = current and current[0] == slot and (kind == "I" or not text[current[2]:start].strip(" -"))
            if joined:
                current[2] = end
            else:
                current = [slot, start, end]
                raw.append(current)
        found = []
        for slot, start, end in raw:
            value = normalise_slot(slot, text[start:end])
            if value is not None:
                found.append((slot, value, start, end))
        # Rules are exact for W-prefixed / labelled order ids and e-mails: they win where they overlap.
        for slot, value, s, e in rule_slots(norm):  # on the NFKC text: ＃Ｗ１２… counts too
            start, end = origin[s], origin[e - 1] + 1
            found = [f for f in found if not (f[0] == slot and f[2] < end and start < f[3])]
            found.append((slot, value, start, end))
        return sorted(found, key=lambda f: f[2])


def softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(-1, keepdims=True)


def load_nlu(model_dir: Path | str | None = None, **options) -> ShopperNLU:
    return ShopperNLU(Path(model_dir) if model_dir else MODEL_DIR, **options)
