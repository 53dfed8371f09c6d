"""The gateway's check of uploads: real files in, the bytes to store or a refusal a front end can show."""
import io
import struct
import wave
from pathlib import Path

import pytest
from PIL import Image

from multimodal import UploadRejected, check_upload

MEDIA = Path(__file__).parent / "media"
LIMITS = {"max_upload_bytes": 10 * 1024 * 1024, "max_audio_seconds": 60.0}


def media(name: str) -> bytes:
    return (MEDIA / name).read_bytes()


def rejected(kind, data, content_type=None, **limits) -> UploadRejected:
    with pytest.raises(UploadRejected) as caught:
        check_upload(kind, data, content_type, **{**LIMITS, **limits})
    assert caught.value.message and caught.value.message[-1] in ".!"  # a sentence for the shopper's screen
    return caught.value


@pytest.mark.parametrize("name, seconds", [
    ("return_shoes.webm", 3.66), ("where_is_order.ogg", 3.23), ("cancel_order.m4a", 2.97),
    ("exchange_size.mp3", 3.30), ("refund_status.amr", 1.94), ("front_center.wav", 1.43),
])
def test_every_voice_format_becomes_clean_16k_mono_wav(name, seconds):
    stored = check_upload("audio", media(name), "application/octet-stream", **LIMITS)
    with wave.open(io.BytesIO(stored)) as w:
        assert (w.getnchannels(), w.getframerate(), w.getsampwidth()) == (1, 16_000, 2)
        assert w.getnframes() / 16_000 == pytest.approx(seconds, abs=0.1)


def test_voice_note_longer_than_the_limit_is_413():
    error = rejected("audio", media("long_question.ogg"), "audio/ogg", max_audio_seconds=5)
    assert (error.status, error.code) == (413, "audio_too_long")
    assert "5 seconds" in error.message


def test_file_over_the_byte_limit_is_413_before_decoding():
    error = rejected("audio", media("cancel_order.m4a"), "audio/mp4", max_upload_bytes=10_000)
    assert (error.status, error.code) == (413, "file_too_large")
    error = rejected("image", media("black_tshirt.png"), "image/png", max_upload_bytes=10_000)
    assert (error.status, error.code) == (413, "file_too_large")


def test_corrupt_voice_note_is_415():
    error = rejected("audio", media("corrupt.webm"), "audio/webm")
    assert (error.status, error.code) == (415, "undecodable_audio")


@pytest.mark.parametrize("kind, data", [
    ("audio", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"),
    ("audio", b"just some text pretending to be audio"),
    ("image", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"),
    ("image", b"<svg xmlns='http://www.w3.org/2000/svg'/>"),
])
def test_formats_the_shop_does_not_take_are_415(kind, data):
    error = rejected(kind, data, "audio/mpeg" if kind == "audio" else "image/jpeg")
    assert (error.status, error.code) == (415, "unsupported_media_type")


def test_avif_is_refused_as_unsupported_not_mistaken_for_m4a_audio():
    avif = io.BytesIO()
    Image.open(MEDIA / "tennis_ball.jpg").save(avif, "AVIF")  # same ISO container family as m4a and HEIC
    for kind in ("image", "audio"):
        assert rejected(kind, avif.getvalue(), "image/avif").code == "unsupported_media_type"


def test_the_bytes_decide_not_the_declared_type():
    assert rejected("audio", media("tennis_ball.jpg"), "audio/mpeg").code == "wrong_media_kind"
    assert rejected("image", media("exchange_size.mp3"), "image/jpeg").code == "wrong_media_kind"
    stored = check_upload("image", media("tennis_ball.jpg"), "audio/mpeg", **LIMITS)  # mislabelled but a photo
    assert Image.open(io.BytesIO(stored)).format == "JPEG"


def test_empty_upload_is_415():
    assert rejected("audio", b"", "audio/webm").status == 415
    assert rejected("image", b"", "image/png").status == 415


def test_image_bomb_is_413_without_decoding_it():
    data = media("bomb.png")
    assert len(data) < 100_000 and struct.unpack(">II", data[16:24]) == (20_000, 20_000)  # the PNG header's size
    error = rejected("image", data, "image/png")
    assert (error.status, error.code) == (413, "image_too_large")


def test_pixel_limit_is_configurable():
    assert rejected("image", media("tennis_ball.jpg"), max_image_pixels=10_000).code == "image_too_large"


def test_truncated_photo_is_415():
    error = rejected("image", media("truncated.jpg"), "image/jpeg")
    assert (error.status, error.code) == (415, "undecodable_image")


def test_phone_photo_is_turned_upright_and_stripped_of_metadata():
    original = Image.open(MEDIA / "running_shoe_phone.jpg")
    exif = original.getexif()
    assert exif[0x0112] == 6 and 0x8825 in exif  # stored sideways, with a GPS position
    stored = Image.open(io.BytesIO(check_upload("image", media("running_shoe_phone.jpg"), "image/jpeg", **LIMITS)))
    assert stored.size == (original.height, original.width)  # upright: the rotation is now in the pixels
    assert not stored.getexif() and not stored.info.get("exif") and not stored.info.get("icc_profile")
    assert stored.format == "JPEG"


@pytest.mark.parametrize("name", ["black_tshirt.png", "yellow_sneaker.webp", "laptop.heic", "order_screenshot.png"])
def test_png_webp_heic_are_stored_as_clean_jpeg(name):
    source = Image.open(MEDIA / name)
    stored = Image.open(io.BytesIO(check_upload("image", media(name), None, **LIMITS)))
    assert (stored.format, stored.mode, stored.size) == ("JPEG", "RGB", source.size)


def test_large_photos_are_stored_at_most_2048_pixels_wide():
    big = io.BytesIO()
    Image.open(MEDIA / "tennis_ball.jpg").resize((4000, 3000)).save(big, "JPEG")
    stored = Image.open(io.BytesIO(check_upload("image", big.getvalue(), "image/jpeg", **LIMITS)))
    assert stored.size == (2048, 1536)
