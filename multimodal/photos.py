"""A shopper's photo → the products it shows and the text on it, in one reading for the turn."""
from dataclasses import dataclass, field

from multimodal.catalogue import Match, load_catalogue_index, window_features
from multimodal.media import MAX_IMAGE_PIXELS, open_photo
from multimodal.photo_text import read_text, slots_from_text
from multimodal.runtime import run_heavy


@dataclass(frozen=True)
class PhotoReading:
    matches: list[Match]  # best first; [] = the shop sells nothing like it
    text: str
    slots: dict = field(default_factory=dict)  # order_id, product (a model number) as intents.md names them


def read_photo(image: bytes, *, max_pixels: int = MAX_IMAGE_PIXELS, timeout_s: float = 30.0) -> PhotoReading:
    """Product matches and OCR for a photo (normally the clean JPEG check_upload returned)."""
    picture = open_photo(image, max_pixels=max_pixels)  # the worker re-checks: stored bytes are not trusted

    def reading() -> PhotoReading:
        matches = load_catalogue_index().match(window_features([picture])[0])
        text = read_text(picture)
        return PhotoReading(matches, text, slots_from_text(text))

    return run_heavy(reading, timeout_s)
