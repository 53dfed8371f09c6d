"""Shopper photos through product recognition and OCR: real photos, the shipped catalogue index."""
import csv
from pathlib import Path

import pytest
from PIL import Image

from multimodal import PhotoReading, UploadRejected, check_upload, preload_models, read_photo
from multimodal.catalogue import load_catalogue_index, load_feature_model, window_features
from multimodal.photo_text import load_reader, slots_from_text
from multimodal.speech import load_whisper

MEDIA = Path(__file__).parent / "media"


def media(name: str) -> bytes:
    return (MEDIA / name).read_bytes()


def photo(name: str) -> PhotoReading:
    return read_photo(check_upload("image", media(name), None))


def test_phone_photo_of_a_product_the_shop_sells_names_product_and_variant():
    reading = photo("running_shoe_phone.jpg")  # sideways with EXIF orientation, as phones store it
    best = reading.matches[0]
    assert (best.product_id, best.name, best.item_id) == ("6938111410", "Running Shoes", "4107812777")
    assert best.score >= load_catalogue_index().threshold
    assert [m.score for m in reading.matches] == sorted((m.score for m in reading.matches), reverse=True)


@pytest.mark.parametrize("name, product", [
    ("black_tshirt.png", "T-Shirt"), ("yellow_sneaker.webp", "Sneakers"), ("laptop.heic", "Laptop"),
])
def test_catalogue_products_in_every_format(name, product):
    best = photo(name).matches[0]
    assert best.name == product and best.item_id is None  # colour alone does not pin these variants


@pytest.mark.parametrize("name", ["tennis_ball.jpg", "juice.png"])
def test_things_the_shop_does_not_sell_are_no_match(name):
    assert photo(name).matches == []


def test_order_screenshot_fills_the_order_id_slot():
    reading = photo("order_screenshot.png")
    assert "W2378156" in reading.text
    assert reading.slots == {"order_id": "#W2378156"}
    assert reading.matches == []


def test_product_label_fills_the_product_slot_with_its_model_number():
    reading = photo("kettle_label.jpg")
    assert reading.slots.get("product") == "KT-1500S"
    assert "order_id" not in reading.slots


@pytest.mark.parametrize("text, slots", [
    ("Order # W 2378156 shipped", {"order_id": "#W2378156"}),
    ("order w23781S6", {"order_id": "#W2378156"}),  # OCR's S for 5
    ("#W23781560 is too long", {}),
    ("HW2378156", {}),  # part of another code
    ("WOBBLIS and W1SOOIB", {}),  # words, not misread digits
    ("型号：AB123 颜色 黑", {"product": "AB123"}),
    ("Model No. XR-22", {"product": "XR-22"}),
    ("Model: deluxe", {}),  # a model name without a code is not a model number
])
def test_slots_from_ocr_text_are_strict(text, slots):
    assert slots_from_text(text) == slots


def test_worker_rechecks_stored_photos():
    with pytest.raises(UploadRejected) as caught:
        read_photo(media("bomb.png"))
    assert caught.value.status == 413


def test_preload_loads_every_model_once_for_the_worker():
    preload_models("tiny.en")
    preload_models("tiny.en")
    loaded = [f.cache_info() for f in (load_whisper, load_feature_model, load_catalogue_index, load_reader)]
    assert all(info.currsize >= 1 for info in loaded)
    assert load_reader.cache_info().misses == 1 and load_feature_model.cache_info().misses == 1


HARD = MEDIA / "hard"  # a fixed slice of the held-out hard photos: scripts/photo_hardset.py --test-slice


def hard_slice() -> list[dict]:
    with open(HARD / "manifest.csv", newline="") as f:
        return list(csv.DictReader(f))


def test_hard_photos_after_the_bar_products_on_rooms_and_colours_and_near_misses():
    """Products on cluttered rooms and coloured backdrops, hue-shifted, shrunk and re-compressed, and
    things the shop does not sell that look like what it does; none of them seen by the index."""
    rows = hard_slice()
    index = load_catalogue_index()
    features = window_features([Image.open(HARD / r["image"]).convert("RGB") for r in rows])
    said = {r["image"]: index.match(f, k=1) for r, f in zip(rows, features)}
    right = {kind: sum(1 for r in rows if r["kind"] == kind and r["product_id"] and said[r["image"]]
                       and said[r["image"]][0].product_id == r["product_id"]) for kind in ("coloured", "cluttered")}
    # 10 products each; on rooms the matcher is still short of the 0.90 goal (8 of 10 here; the first
    # index got 1-2, the unwhitened index 5)
    assert right["coloured"] >= 9 and right["cluttered"] >= 7, right
    unsold = {r["image"]: said[r["image"]] for r in rows if not r["product_id"]}
    assert len(unsold) == 4 and all(m == [] for m in unsold.values()), unsold  # hoodie, polo, monitor, film camera
