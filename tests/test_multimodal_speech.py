"""Voice notes through the real Whisper checkpoints (built by scripts/build_whisper.py).

Kept to a few clips: each transcription costs seconds of a shared CPU.
"""
from pathlib import Path

import pytest
import torch

from multimodal import MediaTimeout, Transcript, UploadRejected, check_upload, transcribe

MEDIA = Path(__file__).parent / "media"


@pytest.fixture(autouse=True)
def same_fallback_samples():
    """Whisper's temperature fallback samples; a fixed seed makes a failure repeatable."""
    torch.manual_seed(0)


def media(name: str) -> bytes:
    return (MEDIA / name).read_bytes()


def words(text: str) -> set[str]:
    return {w.strip(".,?!'").lower() for w in text.split()}


def test_browser_voice_note_through_the_default_multilingual_model():
    heard = transcribe(check_upload("audio", media("return_shoes.webm"), "audio/webm"))
    assert isinstance(heard, Transcript) and not heard.silent
    assert heard.language == "en"  # detected: the default model is multilingual
    assert {"return", "running", "shoes", "order"} <= words(heard.text)
    assert heard.duration_s == pytest.approx(3.66, abs=0.1)


def test_real_recorded_speech():
    heard = transcribe(media("front_center.wav"), model="tiny.en")
    assert words(heard.text) == {"front", "center"}


@pytest.mark.parametrize("name, model, expected", [
    ("cancel_order.m4a", "tiny.en", {"cancel", "order", "blue"}),
    ("exchange_size.mp3", "tiny.en", {"exchange", "sneakers", "size"}),
    # 8 kHz narrow-band AMR is too much for tiny.en ("well, in the standard…"); base still hears it
    ("refund_status.amr", "base", {"status", "refund"}),
])
def test_phone_formats_with_the_language_given(name, model, expected):
    heard = transcribe(media(name), "en", model=model)
    assert expected <= words(heard.text) and heard.language == "en"


def test_silence_is_a_distinct_result_never_an_empty_turn():
    heard = transcribe(media("silence.webm"))
    assert heard.silent and heard.text == "" and heard.duration_s == pytest.approx(3.0, abs=0.05)


def test_room_noise_without_speech_is_silent():
    heard = transcribe(media("room_noise.ogg"), model="tiny.en")
    assert heard.silent and heard.text == ""


def test_too_long_is_refused_in_the_worker_too():
    with pytest.raises(UploadRejected) as caught:
        transcribe(media("long_question.ogg"), model="tiny.en", max_seconds=5)
    assert caught.value.status == 413


def test_missing_checkpoint_names_the_build_command(tmp_path):
    with pytest.raises(FileNotFoundError, match="build_whisper.py"):
        transcribe(media("where_is_order.ogg"), model="tiny.en", cache_dir=str(tmp_path))


def test_a_model_slower_than_the_timeout_gives_up_waiting():
    with pytest.raises(MediaTimeout):
        transcribe(media("where_is_order.ogg"), model="base", timeout_s=0.01)
