"""Upload files for the image tests, good and bad, built in memory."""

import io
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

GPS_IFD = 0x8825
ORIENTATION = 0x0112
RED, BLUE = (255, 0, 0), (0, 0, 255)


def two_colour_image(width: int = 40, height: int = 20) -> Image.Image:
    """Red on the left half, blue on the right half, so a rotation can be read back."""
    image = Image.new("RGB", (width, height), BLUE)
    image.paste(RED, (0, 0, width // 2, height))
    return image


def jpeg_bytes(image: Image.Image | None = None, **save_kwargs) -> bytes:
    buffer = io.BytesIO()
    (image or two_colour_image()).save(buffer, format="JPEG", quality=95, **save_kwargs)
    return buffer.getvalue()


def png_bytes(image: Image.Image | None = None) -> bytes:
    buffer = io.BytesIO()
    (image or two_colour_image()).save(buffer, format="PNG")
    return buffer.getvalue()


def gps_exif(orientation: int | None = None) -> Image.Exif:
    """EXIF with a GPS position (Ban Tha Sawang, Surin) and optionally an orientation."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    if orientation:
        exif[ORIENTATION] = orientation
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "N"
    gps[2] = (14.0, 52.0, 30.0)
    gps[3] = "E"
    gps[4] = (103.0, 27.0, 10.0)
    return exif


def jpeg_with_gps(orientation: int | None = None) -> bytes:
    data = jpeg_bytes(exif=gps_exif(orientation))
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(GPS_IFD), "the fixture must carry GPS"
    return data


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def blank_png(width: int, height: int) -> bytes:
    """A valid black-and-white PNG of any size, written row by row so it costs almost no memory.

    20000 × 20000 pixels compress to about 50 kB: a decompression bomb in miniature.
    """
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1 bit greyscale
    compressor = zlib.compressobj(9)
    row = b"\x00" * (1 + (width + 7) // 8)  # filter byte + the packed pixels
    body = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", body) + _png_chunk(b"IEND", b"")


def upload(name: str, data: bytes, content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def good_jpeg(name: str = "loom.jpg") -> SimpleUploadedFile:
    return upload(name, jpeg_bytes())


def png_named_txt() -> SimpleUploadedFile:
    return upload("logo.txt", png_bytes(), "text/plain")


def text_named_jpg() -> SimpleUploadedFile:
    return upload("silk.jpg", b"Mudmee silk, woven in Ban Tha Sawang.\n" * 20, "image/jpeg")


def huge_pixel_png() -> SimpleUploadedFile:
    return upload("bomb.png", blank_png(20_000, 20_000), "image/png")


def twelve_megabyte_jpeg() -> SimpleUploadedFile:
    """A JPEG that decodes fine (trailing bytes after the end marker are ignored) but weighs 12 MB,
    so only the size limit can refuse it."""
    data = jpeg_bytes()
    return upload("big.jpg", data + b"\x00" * (12 * 1024 * 1024 - len(data)))


def truncated_jpeg() -> SimpleUploadedFile:
    data = jpeg_bytes(Image.effect_noise((400, 300), 64).convert("RGB"))
    return upload("cut.jpg", data[: len(data) // 2])


BAD_UPLOADS = {
    "text renamed .jpg": (text_named_jpg, "not an image"),
    "20000x20000 image": (huge_pixel_png, "too big"),
    "12 MB file": (twelve_megabyte_jpeg, "too large"),
    "truncated JPEG": (truncated_jpeg, "not an image"),
}
