"""Decoding what shoppers upload, safely: the bytes say what a file is, not its name or header.

Audio is decoded by the ffmpeg command with the demuxer the bytes prove (so a file can never steer
ffmpeg to a playlist or network demuxer); images by pillow, after their pixel count is checked from
the header and before a single pixel is decoded (decompression bombs).
"""
import io
import subprocess
import tempfile

import numpy as np
from PIL import Image, ImageOps

SAMPLE_RATE = 16_000  # what Whisper listens at
DECODE_TIMEOUT_S = 20.0
MAX_IMAGE_PIXELS = 50_000_000  # a 48 MP phone photo is 8000×6000; far beyond that is a bomb

# sniffed format → ffmpeg demuxer
AUDIO_DEMUXERS = {"wav": "wav", "ogg": "ogg", "webm": "matroska", "m4a": "mov", "mp3": "mp3", "aac": "aac",
                  "amr": "amr"}
IMAGE_FORMATS = {"jpeg", "png", "webp", "heic"}
HEIC_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}

try:  # HEIC (iPhone photos) only where the pillow-heif plugin is installed
    from pillow_heif import register_heif_opener

    register_heif_opener()
    HEIC_READABLE = True
except ImportError:
    HEIC_READABLE = False


class UploadRejected(ValueError):
    """An upload the shop will not take; `message` is written for the shopper's screen."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def sniff(data: bytes) -> str | None:
    """The real format from the first bytes, or None for anything the shop does not take."""
    head = data[:16]
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] == b"RIFF" and head[8:12] in (b"WEBP", b"WAVE"):
        return "webp" if head[8:12] == b"WEBP" else "wav"
    if head[4:8] == b"ftyp":  # the ISO media family: phone audio, iPhone photos, AVIF (not taken)
        brand = head[8:12]
        return "heic" if brand in HEIC_BRANDS else None if brand in (b"avif", b"avis") else "m4a"
    if head.startswith(b"OggS"):
        return "ogg"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "webm"
    if head.startswith(b"#!AMR"):
        return "amr"
    if head.startswith(b"ID3"):
        return "mp3"
    if len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0:
        # an MPEG audio frame; layer bits 00 mean an ADTS AAC stream instead of MP3
        return "aac" if head[1] & 0x06 == 0 else "mp3"
    return None


def decode_audio(data: bytes, max_seconds: float, fmt: str | None = None) -> np.ndarray:
    """Any accepted audio → 16 kHz mono float32; refuses what does not decode or runs too long."""
    fmt = fmt or sniff(data)
    if fmt not in AUDIO_DEMUXERS:
        raise UploadRejected(415, "unsupported_audio",
                             "This voice message format is not supported. Please send webm, ogg, m4a, mp3 or wav.")
    # a file, not a pipe: phone m4a files keep their index at the end, which a pipe cannot seek to
    with tempfile.NamedTemporaryFile(suffix="." + fmt) as src:
        src.write(data)
        src.flush()
        cmd = ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-threads", "1",
               "-protocol_whitelist", "file", "-f", AUDIO_DEMUXERS[fmt], "-i", src.name,
               "-map", "0:a:0", "-t", f"{max_seconds + 0.5:.2f}",  # decoding stops just past the limit
               "-f", "s16le", "-ac", "1", "-ar", str(SAMPLE_RATE), "-acodec", "pcm_s16le", "pipe:1"]
        try:
            done = subprocess.run(cmd, capture_output=True, timeout=DECODE_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            raise UploadRejected(415, "undecodable_audio", "This voice message could not be played.") from None
    samples = np.frombuffer(done.stdout, np.int16).astype(np.float32) / 32768.0
    if done.returncode != 0 or samples.size == 0:
        raise UploadRejected(415, "undecodable_audio", "This voice message could not be played. Please record it again.")
    if samples.size > max_seconds * SAMPLE_RATE:
        raise UploadRejected(413, "audio_too_long",
                             f"Voice messages can be at most {max_seconds:g} seconds long. Please send a shorter one.")
    return samples


def to_wav(samples: np.ndarray) -> bytes:
    """16-bit mono WAV at 16 kHz: what is stored for a voice turn (no tags, no location, one format)."""
    import wave

    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SAMPLE_RATE)
        w.writeframes((np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())
    return out.getvalue()


def open_photo(data: bytes, max_pixels: int) -> Image.Image:
    """A shopper's photo as upright RGB pixels; refuses bombs and files that do not decode."""
    fmt = sniff(data)
    if fmt not in IMAGE_FORMATS or (fmt == "heic" and not HEIC_READABLE):
        raise UploadRejected(415, "unsupported_image", "This picture format is not supported. Please send a JPEG, PNG or WebP.")
    try:
        image = Image.open(io.BytesIO(data))  # reads the header only
        width, height = image.size
    except Image.DecompressionBombError:  # pillow's own, far higher, ceiling
        raise UploadRejected(413, "image_too_large", "This picture is too large. Please send a smaller one.") from None
    except Exception:
        raise UploadRejected(415, "undecodable_image", "This picture could not be opened. Please send it again.") from None
    if width * height > max_pixels:
        raise UploadRejected(413, "image_too_large",
                             f"This picture is too large ({width}×{height} pixels). Please send a smaller one.")
    try:
        image.load()
        image = ImageOps.exif_transpose(image)  # phones store "rotate me" instead of rotating
        if image.mode in ("RGBA", "LA", "P", "PA"):  # transparent parts shown on white, as a shop page would
            rgba = image.convert("RGBA")
            image = Image.new("RGB", rgba.size, "white")
            image.paste(rgba, mask=rgba.getchannel("A"))
        return image.convert("RGB")
    except Exception:
        raise UploadRejected(415, "undecodable_image", "This picture could not be opened. Please send it again.") from None


def to_clean_jpeg(image: Image.Image, max_side: int = 2048) -> bytes:
    """Re-encoded without EXIF, GPS or any other metadata, and no larger than the models need."""
    image = image.copy()
    image.thumbnail((max_side, max_side))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()
