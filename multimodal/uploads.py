"""The gateway's check of a voice note or photo before anything is stored or queued.

Fast (no model runs): it proves the file decodes, enforces the limits, and returns the bytes to
store, already stripped of metadata, so a refused upload stores nothing and a stored one is safe.
"""
from typing import Literal

from multimodal.media import (IMAGE_FORMATS, MAX_IMAGE_PIXELS, UploadRejected, decode_audio, open_photo, sniff,
                              to_clean_jpeg, to_wav)


def check_upload(kind: Literal["audio", "image"], data: bytes, content_type: str | None = None, *,
                 max_upload_bytes: int = 10 * 1024 * 1024, max_audio_seconds: float = 60.0,
                 max_image_pixels: int = MAX_IMAGE_PIXELS) -> bytes:
    """Raise UploadRejected (413/415) or return the normalised bytes: 16 kHz mono WAV, or a clean JPEG.

    `content_type` is what the client claimed; clients mislabel (octet-stream, audio/x-m4a), so the
    bytes decide and the claim only names the file in a refusal.
    """
    what = "voice message" if kind == "audio" else "picture"
    if len(data) > max_upload_bytes:
        raise UploadRejected(413, "file_too_large",
                             f"This {what} is too large: the limit is {max_upload_bytes / 1_048_576:.0f} MB.")
    if not data:
        raise UploadRejected(415, "empty_file", f"This {what} is empty. Please send it again.")
    fmt = sniff(data)
    if fmt is None:
        accepted = "webm, ogg, m4a, mp3, wav or amr" if kind == "audio" else "JPEG, PNG or WebP"
        named = f" ({content_type})" if content_type else ""
        raise UploadRejected(415, "unsupported_media_type",
                             f"This {what}{named} is in a format we cannot read. Please send {accepted}.")
    if kind == "audio":
        if fmt in IMAGE_FORMATS:
            raise UploadRejected(415, "wrong_media_kind", "This file is a picture, not a voice message.")
        return to_wav(decode_audio(data, max_seconds=max_audio_seconds, fmt=fmt))
    if kind == "image":
        if fmt not in IMAGE_FORMATS:
            raise UploadRejected(415, "wrong_media_kind", "This file is a sound recording, not a picture.")
        return to_clean_jpeg(open_photo(data, max_pixels=max_image_pixels))
    raise ValueError(f"unknown upload kind {kind!r}")
