"""Voice notes and photos through the HTTP API to a reply, on every backend stack; bad files are
refused with a clear 4xx and nothing is stored."""
import time
from pathlib import Path

import httpx
import pytest

from tests.test_api import open_session, wait_done

MEDIA = Path(__file__).parent / "media"


def post(url: str, opened: dict, **files) -> httpx.Response:
    parts = {kind: (name, (MEDIA / name).read_bytes()) for kind, name in files.items() if kind != "text"}
    data = {"text": files["text"]} if "text" in files else None
    return httpx.post(f"{url}/v1/sessions/{opened['session_id']}/messages", files=parts, data=data,
                      headers=opened["headers"], timeout=30)


def test_voice_note_is_transcribed_and_answered(service):
    opened = open_session(service)
    response = post(service, opened, audio="where_is_order.ogg")
    assert response.status_code == 202, response.text
    body = wait_done(service, response.json()["request_id"], opened["headers"], timeout=120)
    assert body["status"] == "done" and "order" in body["transcript"].lower()
    assert body["reply"]["text"]


def test_silence_gets_a_polite_could_not_hear(service):
    opened = open_session(service)
    response = post(service, opened, audio="silence.webm")
    assert response.status_code == 202, response.text
    reply = wait_done(service, response.json()["request_id"], opened["headers"], timeout=120)["reply"]
    assert "couldn't hear" in reply["text"]


def test_photo_of_a_product_the_shop_sells_returns_matches(service):
    opened = open_session(service)
    response = post(service, opened, image="black_tshirt.png", text="do you have this?")
    assert response.status_code == 202, response.text
    reply = wait_done(service, response.json()["request_id"], opened["headers"], timeout=120)["reply"]
    assert reply["matches"] and reply["matches"][0]["name"] == "T-Shirt"
    assert "T-Shirt" in reply["text"]


def test_photo_of_something_the_shop_does_not_sell_says_so(service):
    opened = open_session(service)
    response = post(service, opened, image="tennis_ball.jpg")
    reply = wait_done(service, response.json()["request_id"], opened["headers"], timeout=120)["reply"]
    assert reply["matches"] == [] and "couldn't find" in reply["text"]


@pytest.mark.parametrize("files, status", [
    ({"audio": "corrupt.webm"}, 415),
    ({"image": "truncated.jpg"}, 415),
    ({"image": "bomb.png"}, 413),
    ({"audio": "juice.png"}, 415),
])
def test_bad_files_are_refused_and_nothing_is_stored(service, files, status):
    opened = open_session(service)
    response = post(service, opened, **files)
    assert response.status_code == status, response.text
    assert response.json()["error"]["message"]
    time.sleep(0.2)
    assert httpx.get(f"{service}/v1/sessions/{opened['session_id']}", headers=opened["headers"]).json()["turns"] == []


def test_multipart_without_text_or_file_is_422(service):
    opened = open_session(service)
    response = httpx.post(f"{service}/v1/sessions/{opened['session_id']}/messages", data={"text": ""},
                          files={"other": ("x.txt", b"x")}, headers=opened["headers"])
    assert response.status_code == 422 and response.json()["error"]["code"] == "empty_message"
