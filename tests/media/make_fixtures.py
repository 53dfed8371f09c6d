"""Regenerate the small media files the multimodal tests use (kept in the repository).

    apt-get install espeak-ng sox ffmpeg alsa-utils; python scripts/build_catalogue_index.py
    python tests/media/make_fixtures.py

Speech is real (alsa-utils' recordings) or synthesised by espeak-ng and encoded by ffmpeg/sox in the
formats phones and browsers send; photos are real catalogue photos from the registry packages,
shrunk, with phone-style metadata added; screenshots and labels are rendered text.
"""
import io
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent / "scripts"))
from build_catalogue_index import load_photos, mapping  # noqa: E402

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
SPOKEN = {  # file → (espeak voice, what is said, ffmpeg/sox output options)
    "return_shoes.webm": ("en-us", "I would like to return the running shoes from my last order.", ["-c:a", "libopus", "-b:a", "24k"]),
    "where_is_order.ogg": ("en-us", "Where is my order? It has not arrived yet.", ["-c:a", "libopus", "-b:a", "24k"]),
    "cancel_order.m4a": ("en-us", "Please cancel my order for the blue t-shirt.", ["-c:a", "aac", "-b:a", "48k"]),
    "exchange_size.mp3": ("en-us", "Can I exchange these sneakers for a bigger size?", ["-c:a", "libmp3lame", "-b:a", "48k"]),
    "refund_status.amr": ("en-us", "What is the status of my refund?", None),  # AMR-NB, made by sox
    "track_package_zh.ogg": ("cmn-latn-pinyin", "wo3 de bao1 guo3 zai4 na3 li3", ["-c:a", "libopus", "-b:a", "24k"]),
    "long_question.ogg": ("en-us", "Hello, I bought a laptop and a backpack last week, the laptop arrived but the "
                                   "backpack did not, and I would like to know when it will come.", ["-c:a", "libopus", "-b:a", "16k"]),
}


def speak(voice: str, text: str, wav: Path):
    subprocess.run(["espeak-ng", "-v", voice, "-s", "150", "-w", str(wav), text], check=True)


def ffmpeg(*args: str):
    subprocess.run(["ffmpeg", "-y", "-hide_banner", "-loglevel", "error", *args], check=True)


def make_audio():
    with tempfile.TemporaryDirectory() as tmp:
        for name, (voice, text, options) in SPOKEN.items():
            wav = Path(tmp) / "speech.wav"
            speak(voice, text, wav)
            if options is None:
                subprocess.run(["sox", str(wav), "-r", "8000", "-c", "1", "-t", "amr-nb", str(HERE / name)], check=True)
            else:
                ffmpeg("-i", str(wav), "-ac", "1", *options, str(HERE / name))
    ffmpeg("-i", "/usr/share/sounds/alsa/Front_Center.wav", "-ac", "1", "-ar", "16000", str(HERE / "front_center.wav"))
    ffmpeg("-i", "/usr/share/sounds/alsa/Noise.wav", "-ac", "1", "-c:a", "libopus", "-b:a", "24k", str(HERE / "room_noise.ogg"))
    ffmpeg("-f", "lavfi", "-i", "anullsrc=r=48000:cl=mono", "-t", "3", "-c:a", "libopus", str(HERE / "silence.webm"))
    good = (HERE / "return_shoes.webm").read_bytes()
    (HERE / "corrupt.webm").write_bytes(good[:64] + bytes(range(256)) * 8)  # a real header, then garbage


def exif_rotated_jpeg(upright: Image.Image) -> bytes:
    """As a phone stores it: pixels sideways plus 'rotate me' (orientation 6), a GPS position, a camera name."""
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to display
    exif[0x010F] = "ShopperPhone"
    exif[0x8825] = {1: "N", 2: (31.0, 14.0, 0.0), 3: "E", 4: (121.0, 28.0, 0.0)}  # GPS IFD
    out = io.BytesIO()
    upright.rotate(90, expand=True).save(out, "JPEG", quality=85, exif=exif)
    return out.getvalue()


def small(image: Image.Image, side: int = 480) -> Image.Image:
    image = image.copy()
    image.thumbnail((side, side))
    return image


def rendered(lines: list[str], size: tuple[int, int], font_size: int) -> Image.Image:
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, font_size)
    for i, line in enumerate(lines):
        draw.text((30, 30 + i * int(font_size * 1.6)), line, fill=(30, 30, 30), font=font)
    return image


def make_images():
    rows = {r["file"]: r for r in mapping()}
    wanted = ["imani-clovis-234736-unsplash.jpg", "ben-hershey-574483-unsplash.jpg", "saleordemoproduct_cl_boot07_1.png",
              "saleordemoproduct_sneakers_01_1.png", "derick-david-409858-unsplash.jpg", "saleordemoproduct_fd_juice_03.png"]
    photos = load_photos([rows[f] for f in wanted], "~/.cache/shopagent")
    (HERE / "running_shoe_phone.jpg").write_bytes(exif_rotated_jpeg(small(photos[wanted[0]])))
    small(photos[wanted[1]]).save(HERE / "tennis_ball.jpg", quality=85)
    small(photos[wanted[2]], 400).save(HERE / "black_tshirt.png")
    small(photos[wanted[3]], 400).crop((20, 40, 380, 360)).save(HERE / "yellow_sneaker.webp", quality=80)
    from pillow_heif import register_heif_opener

    register_heif_opener()
    small(photos[wanted[4]]).save(HERE / "laptop.heic", quality=80)
    small(photos[wanted[5]], 400).save(HERE / "juice.png")

    screenshot = rendered(["My orders", "Order #W2378156", "Placed on 12 May 2024", "Status: delivered",
                           "Total: $1,209.54"], (640, 360), 28)
    screenshot.save(HERE / "order_screenshot.png")
    label = rendered(["ACME Electric Kettle", "Model: KT-1500S", "220-240V ~ 50/60Hz 2200W"], (620, 220), 30)
    label = label.rotate(4, expand=True, fillcolor=(200, 190, 170), resample=Image.BICUBIC)
    label.save(HERE / "kettle_label.jpg", quality=70)

    jpeg = (HERE / "tennis_ball.jpg").read_bytes()
    (HERE / "truncated.jpg").write_bytes(jpeg[: len(jpeg) // 3])
    # 20000×20000 one-bit pixels: 38 KB on disk, 400 million pixels (1.2 GB as RGB) once decoded
    Image.new("1", (20_000, 20_000)).save(HERE / "bomb.png", optimize=True)


if __name__ == "__main__":
    make_audio()
    make_images()
    for path in sorted(HERE.iterdir()):
        print(f"{path.stat().st_size:>9,} {path.name}")
