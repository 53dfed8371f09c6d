"""Shopper photos harder than the catalogue's own variants, made reproducibly from real photos.

A shopper photographs a product on a sofa, a patterned table or a coloured wall, off-centre, small in
the frame, under a warm or cold light, and the chat app shrinks and re-compresses it. This module
makes such photos from the real product photos of data/catalogue/photos.csv: the product is cut out
(the saleor renders carry an alpha channel; the vendure photos are cut with OpenCV's GrabCut),
pasted at a random size and place on a real room photo or a coloured backdrop, hue-shifted, shrunk
and JPEG-compressed; or the original photo is cropped off-centre.

The room photos are split three ways in photos.csv's `split` column, so no backdrop is shared:
`index` rooms only ever appear behind the catalogue's index views (scripts/build_catalogue_index.py),
`dev` rooms behind the dev set (choose the no-match bar and the index views on it), `heldout` rooms
behind the held-out set (reported, never tuned on). The things the shop does not sell (hoodies, polo
shirts, monitors, film cameras, plants, bottles…) are split the same way by photo.

    python scripts/photo_hardset.py [--cache-dir ~/.cache/shopagent] [--out DIR]

writes both splits as JPEG files with a manifest.csv, for looking at; the bench makes the same
images in memory from the same seeds. `--test-slice tests/media/hard` writes the small fixed slice of
the held-out split that tests/test_multimodal_photos.py reads (CI has neither the archives nor time).
"""
import argparse
import colorsys
import csv
import io
import random
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageEnhance, ImageFilter

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from build_catalogue_index import load_photos, mapping  # noqa: E402

SKLEARN_IMAGES = ("china.jpg", "flower.jpg")  # two real photos scikit-learn ships: index backdrops only
SPLIT_SEEDS = {"index": 11, "dev": 21, "heldout": 31}  # different seeds: no view is made twice
POSITIVES_PER_PHOTO = {"dev": 6, "heldout": 8}
NEGATIVE_VARIANTS = 2  # hard variants per unsold photo, besides the photo as published
KINDS = ("cluttered", "coloured", "offcentre")


@dataclass(frozen=True)
class HardPhoto:
    image: Image.Image
    product_id: str  # "" for things the shop does not sell
    file: str  # the product photo it was made from
    kind: str  # cluttered | coloured | offcentre | published


def cutout(image: Image.Image, rgba: Image.Image | None) -> Image.Image:
    """The product alone as RGBA: the render's own alpha, else GrabCut inside a 4% margin."""
    if rgba is not None and rgba.getchannel("A").getextrema()[0] < 128:
        return rgba.crop(rgba.getchannel("A").getbbox())
    import cv2  # OpenCV comes with rapidocr; only this script needs it

    small = image.copy()
    small.thumbnail((400, 400))
    pixels = np.asarray(small)
    h, w = pixels.shape[:2]
    mask, bg, fg = np.zeros((h, w), np.uint8), np.zeros((1, 65)), np.zeros((1, 65))
    cv2.setRNGSeed(0)
    cv2.grabCut(pixels[:, :, ::-1].copy(), mask, (int(w * .04), int(h * .04), int(w * .92), int(h * .92)), bg, fg, 4,
                cv2.GC_INIT_WITH_RECT)
    alpha = np.where((mask == 1) | (mask == 3), 255, 0).astype(np.uint8)
    if alpha.mean() < 0.08 * 255:  # GrabCut lost the product (a thin bike frame): keep the whole photo
        alpha[:] = 255
    cut = small.convert("RGBA")
    cut.putalpha(Image.fromarray(alpha).filter(ImageFilter.GaussianBlur(1)))
    return cut.crop(Image.fromarray(alpha).getbbox())


def load_rgba(rows: list[dict], cache_dir: str) -> dict[str, Image.Image | None]:
    """file → the PNG's own RGBA where it has transparency, else None."""
    from build_catalogue_index import archive_images

    return {file: image.convert("RGBA") if image.mode in ("RGBA", "LA", "P", "PA") else None
            for file, image in archive_images(rows, cache_dir)}


class Materials:
    """The photos, their cut-outs and the backdrops, loaded once."""

    def __init__(self, cache_dir: str):
        rows = [r for r in mapping() if r["status"] in ("catalogue", "not_sold", "near")]
        self.rows = rows
        self.photos = load_photos(rows, cache_dir)
        rgba = load_rgba(rows, cache_dir)
        self._rgba, self._cutouts = rgba, {}
        import sklearn.datasets

        images = Path(sklearn.datasets.__file__).parent / "images"
        self.rooms = {split: [self.photos[r["file"]] for r in rows if r["status"] == "not_sold" and r["split"] == split
                              and r["source"] == "vendure"] for split in SPLIT_SEEDS}
        self.rooms["index"] += [Image.open(images / name).convert("RGB") for name in SKLEARN_IMAGES]

    def cutout(self, file: str) -> Image.Image:
        if file not in self._cutouts:
            self._cutouts[file] = cutout(self.photos[file], self._rgba.get(file))
        return self._cutouts[file]


def backdrop(kind: str, rooms: list[Image.Image], side: tuple[int, int], rng: random.Random) -> Image.Image:
    w, h = side
    if kind == "cluttered":
        room = rng.choice(rooms)
        scale = rng.uniform(0.35, 0.9)
        cw, ch = int(room.width * scale), int(room.width * scale * h / w)
        ch = min(ch, room.height)
        left, top = rng.randint(0, room.width - cw), rng.randint(0, room.height - ch)
        return room.crop((left, top, left + cw, top + ch)).resize(side, Image.BICUBIC)
    # a coloured wall, table or sheet: one saturated colour, or a gradient between two
    colours = [tuple(int(c * 255) for c in colorsys.hsv_to_rgb(rng.random(), rng.uniform(0.35, 1), rng.uniform(0.3, 0.95)))
               for _ in range(2)]
    if rng.random() < 0.5:
        return Image.new("RGB", side, colours[0])
    angle = rng.uniform(0, 2 * np.pi)
    ys, xs = np.mgrid[0:h, 0:w]
    t = xs * np.cos(angle) + ys * np.sin(angle)
    t = ((t - t.min()) / (t.max() - t.min()))[..., None]
    return Image.fromarray(((1 - t) * np.array(colours[0]) + t * np.array(colours[1])).astype(np.uint8))


def hue_shift(image: Image.Image, shift: float) -> Image.Image:
    hsv = np.asarray(image.convert("HSV")).copy()
    hsv[..., 0] = (hsv[..., 0].astype(int) + int(shift * 255)) % 256
    return Image.fromarray(hsv, "HSV").convert("RGB")


def on_backdrop(product: Image.Image, kind: str, rooms: list[Image.Image], rng: random.Random,
                fill: tuple[float, float] = (0.35, 0.8)) -> Image.Image:
    """The cut-out product, `fill` of the frame's longer side, somewhere (not always the middle)."""
    side = rng.choice([(640, 480), (480, 640), (560, 560)])
    canvas = backdrop(kind, rooms, side, rng)
    product = product.rotate(rng.uniform(-20, 20), expand=True, resample=Image.BICUBIC)
    scale = rng.uniform(*fill) * max(side) / max(product.size)
    product = product.resize((max(1, int(product.width * scale)), max(1, int(product.height * scale))), Image.BICUBIC)
    left = rng.randint(min(0, side[0] - product.width), max(0, side[0] - product.width))
    top = rng.randint(min(0, side[1] - product.height), max(0, side[1] - product.height))
    canvas.paste(product, (left, top), product)
    return canvas


def offcentre_crop(image: Image.Image, rng: random.Random) -> Image.Image:
    """Part of the photo, away from its middle: the product half out of frame or small in a corner."""
    w, h = image.size
    scale = rng.uniform(0.45, 0.75)
    cw, ch = int(w * scale), int(h * scale)
    corner = rng.choice([(0, 0), (w - cw, 0), (0, h - ch), (w - cw, h - ch)])
    return image.crop((corner[0], corner[1], corner[0] + cw, corner[1] + ch))


def as_sent(image: Image.Image, rng: random.Random, hue: float = 0.12, smallest: int = 96) -> Image.Image:
    """Light, hue, the chat app's downscaling and JPEG."""
    image = hue_shift(image, rng.uniform(-hue, hue))
    image = ImageEnhance.Brightness(image).enhance(rng.uniform(0.7, 1.3))
    image = ImageEnhance.Color(image).enhance(rng.uniform(0.6, 1.4))
    image.thumbnail((rng.randint(smallest, 320),) * 2, Image.BILINEAR)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=rng.randint(30, 75))
    return Image.open(io.BytesIO(out.getvalue())).convert("RGB")


def hard_variant(m: Materials, file: str, kind: str, rooms: list[Image.Image], rng: random.Random) -> Image.Image:
    picture = offcentre_crop(m.photos[file], rng) if kind == "offcentre" else on_backdrop(m.cutout(file), kind, rooms, rng)
    return as_sent(picture, rng)


def index_views(m: Materials, file: str, count: int, rng: random.Random) -> list[Image.Image]:
    """Views of a catalogue photo for the index: on the index rooms and colours, or cropped off-centre;
    hue-shifted, small."""
    views = []
    for i in range(count):
        kind = KINDS[i % len(KINDS)]
        view = offcentre_crop(m.photos[file], rng) if kind == "offcentre" else \
            on_backdrop(m.cutout(file), kind, m.rooms["index"], rng, fill=(0.4, 0.9))
        views.append(as_sent(view, rng, hue=0.15, smallest=128))
    return views


def hard_set(m: Materials, split: str) -> list[HardPhoto]:
    """The split's positives (hard variants of every catalogue photo) and negatives (unsold things of
    the split, as published and as hard variants). Same materials and split, same photos."""
    assert split in ("dev", "heldout")
    rng = random.Random(SPLIT_SEEDS[split])
    rooms = m.rooms[split]
    out = []
    for r in (r for r in m.rows if r["status"] == "catalogue"):
        for i in range(POSITIVES_PER_PHOTO[split]):
            kind = KINDS[i % len(KINDS)]
            out.append(HardPhoto(hard_variant(m, r["file"], kind, rooms, rng), r["product_id"], r["file"], kind))
    for r in (r for r in m.rows if r["status"] in ("not_sold", "near") and r["split"] == split):
        out.append(HardPhoto(m.photos[r["file"]], "", r["file"], "published"))
        for i in range(NEGATIVE_VARIANTS):
            kind = KINDS[(i + len(out)) % len(KINDS)]
            out.append(HardPhoto(hard_variant(m, r["file"], kind, rooms, rng), "", r["file"], kind))
    return out


def test_slice(held: list[HardPhoto]) -> list[tuple[str, HardPhoto]]:
    """A fixed slice of the held-out split, by rule, not by result: each catalogue product's first
    cluttered and first coloured photo, and the first cluttered or coloured variant of each near-miss kind."""
    out, seen = [], set()
    for p in held:
        name = p.product_id or NEAR_MISS.get(p.file)
        key = (name, p.kind) if p.product_id else name
        if not name or p.kind not in ("cluttered", "coloured") or key in seen:
            continue
        seen.add(key)
        out.append((f"{name}-{p.kind}.jpg", p))
    return out


NEAR_MISS = {  # held-out near misses by kind, for the test slice
    "saleordemoproduct_cl_bogo02_1.png": "hoodie", "saleordemoproduct_cl_polo02.png": "polo",
    "daniel-korpai-1302051-unsplash.jpg": "monitor", "jakob-owens-274337-unsplash.jpg": "film_camera",
}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cache-dir", default="~/.cache/shopagent")
    parser.add_argument("--out", default="~/.cache/shopagent/photo-hardset")
    parser.add_argument("--test-slice", help="write only the test slice of the held-out split to this folder")
    args = parser.parse_args()
    m = Materials(args.cache_dir)
    if args.test_slice:
        folder = Path(args.test_slice)
        folder.mkdir(parents=True, exist_ok=True)
        with open(folder / "manifest.csv", "w", newline="") as f:
            writer = csv.writer(f, lineterminator="\n")
            writer.writerow(["image", "product_id", "source_photo", "kind"])
            for name, p in test_slice(hard_set(m, "heldout")):
                p.image.save(folder / name, "JPEG", quality=90)
                writer.writerow([name, p.product_id, p.file, p.kind])
        return
    for split in ("dev", "heldout"):
        folder = Path(args.out).expanduser() / split
        folder.mkdir(parents=True, exist_ok=True)
        with open(folder / "manifest.csv", "w", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(["image", "product_id", "source_photo", "kind"])
            for i, p in enumerate(hard_set(m, split)):
                name = f"{i:04d}-{p.kind}.jpg"
                p.image.save(folder / name, "JPEG", quality=92)
                writer.writerow([name, p.product_id, p.file, p.kind])
        print(f"{folder}: {i + 1} photos")


if __name__ == "__main__":
    main()
