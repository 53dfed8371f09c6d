"""Student: a 4-layer, 192-wide transformer over the units of fastmodels.text (about 2.2 M
parameters) beside a wide linear branch over hashed character n-grams (0.3 M), trained by
distillation from the teacher: its soft intents, its sentence embedding (regressed from CLS,
training only) and the corpus labels. Heads: intent (CLS + wide), BIO slot tag per unit,
frustration (CLS, sigmoid).
Training only: needs torch. The service runs the exported ONNX file (fastmodels/nlu.py).
"""
from __future__ import annotations

import math
import time

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from fastmodels.text import INTENTS, MAX_UNITS, NGRAM_BUCKETS, TAGS, UNK, Vocabulary, pad_ngrams, pad_units


class Block(nn.Module):
    def __init__(self, hidden: int, heads: int, ffn: int, dropout: float):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(hidden, 3 * hidden)
        self.out = nn.Linear(hidden, hidden)
        self.ln1, self.ln2 = nn.LayerNorm(hidden), nn.LayerNorm(hidden)
        self.ffn = nn.Sequential(nn.Linear(hidden, ffn), nn.GELU(), nn.Linear(ffn, hidden))
        self.drop = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
        b, t, h = x.shape
        q, k, v = self.qkv(x).view(b, t, 3, self.heads, h // self.heads).permute(2, 0, 3, 1, 4)
        att = (q @ k.transpose(-1, -2)) / math.sqrt(h // self.heads) + bias
        y = (att.softmax(-1) @ v).transpose(1, 2).reshape(b, t, h)
        x = self.ln1(x + self.drop(self.out(y)))
        return self.ln2(x + self.drop(self.ffn(x)))


class ShopperNLU(nn.Module):
    def __init__(self, vocab_size: int, emb: int = 64, hidden: int = 192, layers: int = 4, heads: int = 4,
                 ffn: int = 512, dropout: float = 0.15):
        super().__init__()
        # Factorised embedding (ALBERT-style): a narrow table keeps the file small.
        self.emb = nn.Embedding(vocab_size, emb, padding_idx=0)
        self.proj = nn.Linear(emb, hidden)
        self.pos = nn.Embedding(MAX_UNITS, hidden)
        self.ln = nn.LayerNorm(hidden)
        self.drop = nn.Dropout(dropout)
        self.blocks = nn.ModuleList(Block(hidden, heads, ffn, dropout) for _ in range(layers))
        self.intent = nn.Linear(hidden, len(INTENTS))
        self.slots = nn.Linear(hidden, len(TAGS))
        self.frustration = nn.Linear(hidden, 1)
        # Wide branch: a linear model over hashed character n-grams (what the TF-IDF baseline sees),
        # trained beside the transformer on the same targets; the exported intent logits are
        # deep + wide_weight * wide, the weight chosen on dev.
        self.wide = nn.Embedding(NGRAM_BUCKETS, len(INTENTS), padding_idx=0)
        nn.init.zeros_(self.wide.weight)
        self.register_buffer("wide_weight", torch.tensor(0.0))
        # Training only: regresses the teacher's sentence embedding from CLS (not exported).
        self.sentence = nn.Linear(hidden, 384)

    def wide_logits(self, grams: torch.Tensor) -> torch.Tensor:
        present = (grams > 0).float()
        return self.wide(grams).sum(1) / present.sum(1, keepdim=True).clamp(min=1).sqrt()

    def forward(self, ids: torch.Tensor, mask: torch.Tensor, grams: torch.Tensor):
        """ids [B, T, FEATURES] int64, mask [B, T] float (1 = unit, 0 = padding), grams [B, G] int64 (0 pads)."""
        intent, slots, frustration, _ = self.parts(ids, mask)
        return intent + self.wide_weight * self.wide_logits(grams), slots, frustration

    def parts(self, ids: torch.Tensor, mask: torch.Tensor):
        t = ids.shape[1]
        x = self.proj(self.emb(ids).sum(2)) + self.pos(torch.arange(t).unsqueeze(0))
        x = self.drop(self.ln(x))
        bias = ((1.0 - mask) * -1e4)[:, None, None, :]
        for block in self.blocks:
            x = block(x, bias)
        cls = x[:, 0]
        return self.intent(cls), self.slots(x), torch.sigmoid(self.frustration(cls)).squeeze(-1), self.sentence(cls)


def unit_tags(vocab: Vocabulary, text: str, spans: list) -> tuple[list[list[int]], list[int]]:
    """Encodes a labelled message and turns its character spans into one BIO tag per unit."""
    ids, offsets, _, origin = vocab.encode(text)
    tags = [0]  # CLS
    for s, e in offsets:
        s0, e0 = origin[s], origin[e - 1] + 1
        tag = 0
        for ss, se, slot in spans:
            if s0 < se and e0 > ss:
                tag = TAGS.index(("B-" if s0 <= ss else "I-") + slot)
        tags.append(tag)
    return ids, tags


def train_student(labelled: list[dict], teacher_logits: np.ndarray, unlabelled: list[str],
                  unlabelled_logits: np.ndarray, dev: list[dict], vocab: Vocabulary, epochs: int = 20,
                  kd_temperature: float = 2.0, seed: int = 0, token_vectors: np.ndarray | None = None,
                  teacher_emb: np.ndarray | None = None, unlabelled_emb: np.ndarray | None = None,
                  unlabelled_frustration: np.ndarray | None = None, log=print) -> ShopperNLU:
    """teacher_emb / unlabelled_emb: the teacher's sentence embeddings of the same messages; the
    student also regresses them (far more signal per message than 18 soft intents).
    unlabelled_frustration: the teacher's frustration scores of the unlabelled messages, distilled at
    UNLABELLED_FRUSTRATION_WEIGHT (the corpus labels weigh 1)."""
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    if teacher_emb is None or unlabelled_emb is None:
        teacher_emb = np.zeros((len(labelled), 384), np.float32)
        unlabelled_emb = np.zeros((len(unlabelled), 384), np.float32)
    all_emb = np.concatenate([teacher_emb, unlabelled_emb])
    emb_mean, emb_std = all_emb.mean(0), all_emb.std() + 1e-6
    examples = []
    for r, tl, te in zip(labelled, teacher_logits, teacher_emb):
        ids, tags = unit_tags(vocab, r["text"], r["spans"])
        examples.append((ids, tags, INTENTS.index(r["intent"]), r["frustration"], tl, 1.0, vocab.ngrams(r["text"]),
                         (te - emb_mean) / emb_std))
    if unlabelled_frustration is None:
        unlabelled_frustration = np.full(len(unlabelled), -1.0)
    for text, tl, te, tf in zip(unlabelled, unlabelled_logits, unlabelled_emb, unlabelled_frustration):
        ids, _ = vocab.encode(text)[:2]
        examples.append((ids, [-100] * len(ids), -100, float(tf), tl, 0.0, vocab.ngrams(text), (te - emb_mean) / emb_std))
    dev_ids = [vocab.encode(r["text"])[0] for r in dev]
    dev_grams = [vocab.ngrams(r["text"]) for r in dev]
    dev_y = np.array([INTENTS.index(r["intent"]) for r in dev])

    model = ShopperNLU(vocab.size)
    if token_vectors is not None:
        # Start each known unit from the teacher's own embedding of it (projected to the table's
        # width), so unseen paraphrases built from known words start out near their meaning.
        centred = token_vectors - token_vectors.mean(0)
        _, _, vt = np.linalg.svd(centred, full_matrices=False)
        low = centred @ vt[:model.emb.embedding_dim].T
        with torch.no_grad():
            rows = torch.arange(vocab.specials, vocab.specials + len(low))
            model.emb.weight[rows] = torch.from_numpy(low / low.std()).float()
    log(f"student parameters: {sum(p.numel() for p in model.parameters()) / 1e6:.2f} M")
    wide = [model.wide.weight]
    deep = [p for p in model.parameters() if p is not model.wide.weight]
    opt = torch.optim.AdamW([{"params": deep}, {"params": wide, "weight_decay": 0.0}], lr=1e-3, weight_decay=0.01)
    batch = 64
    steps = epochs * math.ceil(len(examples) / batch)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=[1e-3, 5e-3], total_steps=steps, pct_start=0.08)
    best, best_state = -1.0, None
    for epoch in range(epochs):
        model.train()
        # Batches of similar length (with jitter): far less padding, so each epoch is much cheaper.
        by_length = np.argsort([len(e[0]) + rng.uniform(0, 3) for e in examples])
        batches = [by_length[i:i + batch] for i in range(0, len(examples), batch)]
        t0, total = time.time(), 0.0
        for b in rng.permutation(len(batches)):
            chunk = [examples[i] for i in batches[b]]
            ids, mask = pad_units([c[0] for c in chunk])
            # n-gram dropout: the wide branch may not lean on any one n-gram either
            grams = torch.from_numpy(pad_ngrams([[g for g in c[6] if rng.random() > 0.2] for c in chunk]))
            tags = torch.full(mask.shape, -100, dtype=torch.long)
            for i, c in enumerate(chunk):
                tags[i, :len(c[1])] = torch.tensor(c[1])
            y = torch.tensor([c[2] for c in chunk])
            frus = torch.tensor([c[3] for c in chunk], dtype=torch.float32)
            soft = F.softmax(torch.tensor(np.stack([c[4] for c in chunk])) / kd_temperature, -1)
            target_emb = torch.from_numpy(np.stack([c[7] for c in chunk]).astype(np.float32))
            has_label = torch.tensor([c[5] for c in chunk])
            ids = torch.from_numpy(ids)
            # Unit dropout: hide 10% of units behind <unk> so no single word decides the intent.
            hide = (torch.rand(mask.shape) < 0.1) & torch.from_numpy(mask > 0)
            hide[:, 0] = False
            ids[hide] = torch.tensor([UNK] + [0] * (ids.shape[-1] - 1))
            intent, slots, frustration, sentence = model.parts(ids, torch.from_numpy(mask))
            wide_intent = model.wide_logits(grams)
            # Distillation: match the teacher's softened distribution (Hinton et al.), plus the gold label,
            # for both branches; and the teacher's sentence embedding for the transformer.
            loss = F.mse_loss(sentence, target_emb) * 384 / 100
            for logits in (intent, wide_intent):
                kd = F.kl_div(F.log_softmax(logits / kd_temperature, -1), soft, reduction="batchmean") * kd_temperature ** 2
                loss = loss + 0.7 * kd
                if has_label.any():
                    loss = loss + 0.3 * F.cross_entropy(logits, y, ignore_index=-100)
            if has_label.any():  # length-bucketed batches can hold only unlabelled text
                slot = F.cross_entropy(slots.reshape(-1, len(TAGS)), tags.reshape(-1), ignore_index=-100)
                loss = loss + slot
            # frustration: the corpus label, or (weighted down) the teacher's score of unlabelled text
            fr_weight = torch.where(has_label > 0, torch.ones_like(frus),
                                    torch.where(frus >= 0, torch.full_like(frus, UNLABELLED_FRUSTRATION_WEIGHT),
                                                torch.zeros_like(frus)))
            if fr_weight.sum() > 0:
                fr = ((frustration - frus.clamp(min=0)) ** 2 * fr_weight).sum() / fr_weight.sum().clamp(min=1.0)
                loss = loss + 3 * fr
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            total += loss.item()
        d, w = intent_parts(model, dev_ids, dev_grams)
        weight, acc = best_wide_weight(d, w, dev_y)
        log(f"epoch {epoch + 1}/{epochs} loss {total / len(batches):.3f} dev acc deep {(d.argmax(1) == dev_y).mean():.3f} "
            f"wide {(w.argmax(1) == dev_y).mean():.3f} both {acc:.3f} (wide weight {weight}) ({time.time() - t0:.0f}s)")
        # Only the last epochs compete: early, at a high learning rate, the slot and frustration
        # heads have not settled yet, and a lucky dev score there ships them half-trained.
        if epoch >= epochs - 3 and acc >= best:
            best, best_state = acc, {k: v.clone() for k, v in model.state_dict().items()}
    model.load_state_dict(best_state)
    d, w = intent_parts(model, dev_ids, dev_grams)
    model.wide_weight.fill_(best_wide_weight(d, w, dev_y)[0])
    return model.eval()


UNLABELLED_FRUSTRATION_WEIGHT = 0.5

WIDE_WEIGHTS = [0.0, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0]


def best_wide_weight(deep: np.ndarray, wide: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """The weight of the wide branch's log-probabilities with the best dev accuracy (ties: smaller)."""
    accs = [((deep + w * wide).argmax(1) == y).mean() for w in WIDE_WEIGHTS]
    i = int(np.argmax(accs))
    return WIDE_WEIGHTS[i], float(accs[i])


@torch.no_grad()
def intent_parts(model: ShopperNLU, encoded: list, grams: list, batch: int = 256) -> tuple[np.ndarray, np.ndarray]:
    model.eval()
    deep, wide = [], []
    for i in range(0, len(encoded), batch):
        ids, mask = pad_units(encoded[i:i + batch])
        deep.append(model.parts(torch.from_numpy(ids), torch.from_numpy(mask))[0].numpy())
        wide.append(model.wide_logits(torch.from_numpy(pad_ngrams(grams[i:i + batch]))).numpy())
    return np.concatenate(deep), np.concatenate(wide)


def intent_logits(model: ShopperNLU, encoded: list, grams: list) -> np.ndarray:
    deep, wide = intent_parts(model, encoded, grams)
    return deep + float(model.wide_weight) * wide


def fit_temperature(logits: np.ndarray, labels: np.ndarray) -> float:
    """Temperature scaling (Guo et al. 2017): the T minimising dev NLL, so confidences are calibrated."""
    def nll(t):
        z = logits / t
        z = z - z.max(1, keepdims=True)
        return -(z[np.arange(len(z)), labels] - np.log(np.exp(z).sum(1))).mean()
    grid = np.exp(np.linspace(np.log(0.3), np.log(5), 120))
    return float(grid[np.argmin([nll(t) for t in grid])])


def export_onnx(model: ShopperNLU, path, int8_path) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic
    ids, mask = pad_units([[[2], [3, 5]], [[2]]])
    grams = pad_ngrams([[1, 7, 9], [3]])
    torch.onnx.export(model.eval(), (torch.from_numpy(ids), torch.from_numpy(mask), torch.from_numpy(grams)), str(path),
                      dynamo=False, input_names=["ids", "mask", "grams"], output_names=["intent", "slots", "frustration"],
                      dynamic_axes={"ids": {0: "batch", 1: "units"}, "mask": {0: "batch", 1: "units"},
                                    "grams": {0: "batch", 1: "ngrams"},
                                    "intent": {0: "batch"}, "slots": {0: "batch", 1: "units"},
                                    "frustration": {0: "batch"}}, opset_version=17)
    quantize_dynamic(str(path), str(int8_path), weight_type=QuantType.QInt8)
