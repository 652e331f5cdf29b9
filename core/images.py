"""Uploaded images, for every app that takes photos.

An upload is accepted only if Pillow can decode it as a JPEG, PNG, WebP or GIF within the size
and pixel limits; it is then re-encoded as a JPEG with the EXIF orientation applied and every
piece of metadata (GPS location included) dropped. Thumbnails in the sizes the pages need are
made once, by a task worker just after the image is saved (core.tasks.thumbnails_make), beside
the original (`name__card.jpg`), so a page builds their URLs without touching the storage. Everything goes through Django's storage API, so object
storage can replace the file system.
"""

import io
import uuid
import warnings
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000  # 40 megapixels: any phone camera, not a decompression bomb
MAX_EDGE = 2400  # originals are kept at most this long on their longer side
ACCEPTED_FORMATS = {"JPEG", "MPO", "PNG", "WEBP", "GIF"}
JPEG_QUALITY = 85


@dataclass(frozen=True)
class ThumbnailSize:
    width: int
    height: int
    crop: bool


THUMBNAIL_SIZES = {
    "square": ThumbnailSize(320, 320, crop=True),
    "card": ThumbnailSize(480, 360, crop=True),
    "large": ThumbnailSize(1200, 1200, crop=False),
}


def clean_upload(upload) -> ContentFile:
    """Check an uploaded file is a real image within the limits; return it re-encoded as JPEG.

    Raises ValidationError with a message a producer can act on.
    """
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise ValidationError(_("This file is too large: images can be at most 10 MB."), code="too_large")
    upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValidationError(_("This file is too large: images can be at most 10 MB."), code="too_large")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in ACCEPTED_FORMATS:
                raise ValidationError(
                    _("This is not a photo we can use: send a JPEG, PNG, WebP or GIF image."), code="format"
                )
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise ValidationError(
                    _("This image is too big (%(width)s × %(height)s pixels); the most is 40 megapixels.")
                    % {"width": width, "height": height},
                    code="too_many_pixels",
                )
            image.load()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # Pillow's own check in Image.open fires before ours for images past ~89 megapixels.
        raise ValidationError(
            _("This image is too big; the most is 40 megapixels."), code="too_many_pixels"
        ) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise ValidationError(
            _("This file is not an image we can read: send a JPEG, PNG, WebP or GIF photo."), code="not_image"
        ) from None
    return ContentFile(_encode_jpeg(_normalise(image)))


def _normalise(image: Image.Image) -> Image.Image:
    image = ImageOps.exif_transpose(image)
    if image.mode in ("RGBA", "LA", "P"):
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image, mask=image.getchannel("A"))
        image = background
    elif image.mode != "RGB":
        image = image.convert("RGB")
    if max(image.size) > MAX_EDGE:
        image.thumbnail((MAX_EDGE, MAX_EDGE), Image.Resampling.LANCZOS)
    return image


def _encode_jpeg(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    # No exif= argument: the saved file carries no metadata, so no location.
    image.save(buffer, format="JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return buffer.getvalue()


def thumbnail_name(name: str, size: str) -> str:
    stem = name.rsplit(".", 1)[0]
    return f"{stem}__{size}.jpg"


def store_image(content: ContentFile, *, folder: str, storage=None, thumbnails: dict[str, bytes] | None = None) -> str:
    """Save a cleaned image under `folder` and return the stored name. Its thumbnails are written
    at once when given already rendered (the demo data), on another storage than the default,
    and otherwise by a task worker once the current transaction commits (a few hundred
    milliseconds of work the uploader does not wait for; until then a thumbnail's URL finds
    nothing)."""
    from .tasks import enqueue_after_commit, thumbnails_make

    name = (storage or default_storage).save(f"{folder.rstrip('/')}/{uuid.uuid4().hex}.jpg", content)
    if thumbnails is not None or storage is not None:
        make_thumbnails(name, storage=storage, rendered=thumbnails)
    else:
        enqueue_after_commit(thumbnails_make, name=name)
    return name


def render_thumbnails(original: Image.Image) -> dict[str, bytes]:
    """Each thumbnail size of an image, encoded as JPEG."""
    original = original.convert("RGB")
    rendered = {}
    for size_name, size in THUMBNAIL_SIZES.items():
        if size.crop:
            thumb = ImageOps.fit(original, (size.width, size.height), Image.Resampling.LANCZOS)
        else:
            thumb = original.copy()
            thumb.thumbnail((size.width, size.height), Image.Resampling.LANCZOS)
        rendered[size_name] = _encode_jpeg(thumb)
    return rendered


def make_thumbnails(name: str, *, storage=None, rendered: dict[str, bytes] | None = None) -> None:
    """Write the thumbnails of the stored image `name` (rendered from it unless given)."""
    storage = storage or default_storage
    if rendered is None:
        with storage.open(name, "rb") as handle:
            original = Image.open(handle)
            original.load()
        rendered = render_thumbnails(original)
    for size_name, data in rendered.items():
        target = thumbnail_name(name, size_name)
        if storage.exists(target):
            storage.delete(target)
        storage.save(target, ContentFile(data))


def delete_image(name: str, *, storage=None) -> None:
    storage = storage or default_storage
    for target in [name, *(thumbnail_name(name, size) for size in THUMBNAIL_SIZES)]:
        if name and storage.exists(target):
            storage.delete(target)


def thumbnail_url(name: str, size: str, *, storage=None) -> str:
    if not name:
        return ""
    storage = storage or default_storage
    return storage.url(thumbnail_name(str(name), size) if size in THUMBNAIL_SIZES else str(name))


def gallery_append(photos, *, upload, folder: str, limit: int, full_message: str, **fields):
    """Add a checked, re-encoded photo at the end of a gallery: `photos` is the owner's related
    manager of rows with `image` and `position` (a listing's photos, a group's gallery), `fields`
    the row's other fields. Raises ValidationError with `full_message` when the gallery holds
    `limit` photos already, and for a file that is not an acceptable image."""
    if photos.count() >= limit:
        raise ValidationError(full_message)
    name = store_image(clean_upload(upload), folder=folder)
    with transaction.atomic():
        position = (photos.aggregate(top=Max("position"))["top"] or 0) + 1
        photo = photos.model(**{photos.field.name: photos.instance}, image=name, position=position, **fields)
        photo.full_clean()
        photo.save()
    return photo
