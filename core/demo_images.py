"""Images for demo data, drawn with Pillow at seed time (no downloads): woven-cloth patterns,
basketry checks and pottery glazes in village colours, and round logos."""

import io
import random

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw

from . import images

PALETTES = [
    [(122, 46, 142), (245, 197, 66), (250, 240, 220)],   # silk purple and gold
    [(31, 58, 104), (226, 232, 240), (120, 150, 190)],   # indigo
    [(150, 40, 30), (240, 200, 120), (60, 30, 20)],      # chili and turmeric
    [(60, 110, 60), (200, 220, 150), (30, 60, 30)],      # tea and herbs
    [(170, 120, 70), (240, 220, 180), (90, 60, 30)],     # bamboo and rattan
    [(90, 140, 130), (220, 235, 225), (40, 80, 70)],     # celadon
]


def _pattern(rng: random.Random, size=(960, 720)) -> Image.Image:
    palette = rng.choice(PALETTES)
    image = Image.new("RGB", size, palette[2])
    draw = ImageDraw.Draw(image)
    style = rng.choice(["stripes", "checks", "diamonds", "glaze"])
    width, height = size
    if style == "stripes":
        x = 0
        while x < width:
            band = rng.randint(12, 60)
            draw.rectangle([x, 0, x + band, height], fill=rng.choice(palette))
            x += band
    elif style == "checks":
        step = rng.randint(30, 70)
        for x in range(0, width, step):
            for y in range(0, height, step):
                if (x // step + y // step) % 2:
                    draw.rectangle([x, y, x + step - 4, y + step - 4], fill=rng.choice(palette[:2]))
    elif style == "diamonds":  # like mudmee ikat motifs
        step = rng.randint(50, 90)
        for x in range(-step, width + step, step):
            for y in range(-step, height + step, step):
                half = step // 2
                draw.polygon([(x, y - half), (x + half, y), (x, y + half), (x - half, y)], fill=palette[(x + y) // step % 2])
    else:
        for radius in range(max(size), 0, -24):
            colour = tuple(min(255, c + rng.randint(-12, 12)) for c in rng.choice(palette))
            draw.ellipse([width / 2 - radius, height / 2 - radius, width / 2 + radius, height / 2 + radius], fill=colour)
    return image


def _logo(rng: random.Random, size=400) -> Image.Image:
    palette = rng.choice(PALETTES)
    image = Image.new("RGB", (size, size), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    draw.ellipse([8, 8, size - 8, size - 8], fill=palette[0])
    draw.ellipse([size * 0.3, size * 0.22, size * 0.7, size * 0.62], fill=palette[1])
    draw.arc([size * 0.2, size * 0.45, size * 0.8, size * 0.95], 200, 340, fill=palette[2], width=18)
    return image


def _encoded(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=82)
    return buffer.getvalue()


class DemoImagePool:
    """A few dozen images made once; each producer gets its own stored copies."""

    def __init__(self, rng: random.Random, photos: int = 18, logos: int = 12):
        self.rng = rng
        self.photos = [self._prepare(_pattern(rng)) for _ in range(photos)]
        self.logos = [self._prepare(_logo(rng)) for _ in range(logos)]

    @staticmethod
    def _prepare(image: Image.Image) -> tuple[bytes, dict[str, bytes]]:
        return _encoded(image), images.render_thumbnails(image)

    def store_photo(self, folder: str) -> str:
        return self._store(self.rng.choice(self.photos), folder)

    def store_logo(self, folder: str) -> str:
        return self._store(self.rng.choice(self.logos), folder)

    @staticmethod
    def _store(prepared: tuple[bytes, dict[str, bytes]], folder: str) -> str:
        data, thumbnails = prepared
        return images.store_image(ContentFile(data), folder=folder, thumbnails=thumbnails)
