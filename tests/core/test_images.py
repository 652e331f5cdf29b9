"""Uploaded images: only real images, at most 10 MB, bounded pixels, re-encoded without GPS."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from PIL import Image

from core import images
from tests.producers import imagefiles
from tests.producers.imagefiles import GPS_IFD, upload


def decode(content) -> Image.Image:
    content.seek(0)
    image = Image.open(io.BytesIO(content.read()))
    image.load()
    return image


def colour_at(image: Image.Image, xy) -> tuple:
    return image.convert("RGB").getpixel(xy)


def is_red(rgb) -> bool:
    return rgb[0] > 200 and rgb[1] < 60 and rgb[2] < 60


def is_blue(rgb) -> bool:
    return rgb[2] > 200 and rgb[0] < 60 and rgb[1] < 60


def test_clean_upload_reencodes_a_real_jpeg_as_jpeg():
    result = decode(images.clean_upload(imagefiles.good_jpeg()))

    assert result.format == "JPEG"
    assert result.size == (40, 20)
    assert is_red(colour_at(result, (5, 10))) and is_blue(colour_at(result, (35, 10)))


def test_clean_upload_accepts_a_png_and_stores_it_as_jpeg():
    result = decode(images.clean_upload(upload("loom.png", imagefiles.png_bytes(), "image/png")))

    assert result.format == "JPEG"
    assert result.mode == "RGB"


def test_clean_upload_flattens_transparency_onto_white():
    transparent = Image.new("RGBA", (10, 10), (0, 0, 0, 0))
    result = decode(images.clean_upload(upload("clear.png", imagefiles.png_bytes(transparent), "image/png")))

    assert result.mode == "RGB"
    assert all(channel > 240 for channel in colour_at(result, (5, 5)))


def test_clean_upload_strips_gps_and_all_other_exif():
    content = images.clean_upload(upload("field.jpg", imagefiles.jpeg_with_gps()))
    result = decode(content)

    assert "exif" not in result.info
    assert not result.getexif()
    assert not result.getexif().get_ifd(GPS_IFD)
    content.seek(0)
    raw = content.read()
    assert b"Exif" not in raw and b"PhoneMaker" not in raw


def test_clean_upload_applies_the_exif_orientation_before_dropping_it():
    # Orientation 6: the camera was turned; the picture must be rotated 90° clockwise to show.
    result = decode(images.clean_upload(upload("turned.jpg", imagefiles.jpeg_with_gps(orientation=6))))

    assert result.size == (20, 40)
    assert is_red(colour_at(result, (10, 5))), "the left half is on top once rotated clockwise"
    assert is_blue(colour_at(result, (10, 35)))
    assert not result.getexif()


def test_clean_upload_shrinks_originals_to_the_longest_edge():
    result = decode(images.clean_upload(upload("wide.png", imagefiles.blank_png(4800, 1200), "image/png")))

    assert result.size == (images.MAX_EDGE, 600)


def test_a_png_renamed_txt_is_judged_by_its_content_and_accepted_as_jpeg():
    # The check decodes the file, the name and the declared type do not count.
    content = images.clean_upload(imagefiles.png_named_txt())
    assert decode(content).format == "JPEG"

    name = images.store_image(content, folder="producers/photos")
    assert name.startswith("producers/photos/") and name.endswith(".jpg")
    assert not name.endswith(".txt.jpg")


def test_a_text_file_renamed_jpg_is_refused_as_not_an_image():
    with pytest.raises(ValidationError) as error:
        images.clean_upload(imagefiles.text_named_jpg())

    assert error.value.code == "not_image"
    assert "not an image" in error.value.messages[0]


@pytest.mark.parametrize(
    "data",
    [b"", b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", b"GIF89a" + b"\x00" * 20],
    ids=["empty", "svg", "gif header only"],
)
def test_other_non_images_are_refused(data):
    with pytest.raises(ValidationError) as error:
        images.clean_upload(upload("x.jpg", data))

    assert error.value.code == "not_image"


@pytest.mark.parametrize("image_format", ["BMP", "TIFF"])
def test_images_in_formats_we_do_not_take_are_refused(image_format):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, format=image_format)

    with pytest.raises(ValidationError) as error:
        images.clean_upload(upload("scan.jpg", buffer.getvalue()))

    assert error.value.code == "format"


def test_a_20000_by_20000_image_is_refused_as_too_many_pixels():
    bomb = imagefiles.huge_pixel_png()
    assert bomb.size < 100_000, "small on disk, 400 megapixels once decoded"

    with pytest.raises(ValidationError) as error:
        images.clean_upload(bomb)

    assert error.value.code == "too_many_pixels"
    assert "too big" in error.value.messages[0]


def test_an_image_just_over_the_pixel_limit_is_refused_with_its_size():
    with pytest.raises(ValidationError) as error:
        images.clean_upload(upload("big.png", imagefiles.blank_png(8000, 5001), "image/png"))

    assert error.value.code == "too_many_pixels"
    assert "8000" in error.value.messages[0] and "5001" in error.value.messages[0]


def test_an_image_at_the_pixel_limit_is_accepted():
    images.clean_upload(upload("ok.png", imagefiles.blank_png(8000, 5000), "image/png"))


def test_a_12_megabyte_file_is_refused_as_too_large():
    big = imagefiles.twelve_megabyte_jpeg()
    assert Image.open(io.BytesIO(big.read())).format == "JPEG", "it is a readable image: only its size is wrong"

    with pytest.raises(ValidationError) as error:
        images.clean_upload(big)

    assert error.value.code == "too_large"
    assert "10 MB" in error.value.messages[0]


def test_the_size_limit_holds_when_the_upload_does_not_say_its_size():
    class Unsized(io.BytesIO):
        size = None

    data = imagefiles.twelve_megabyte_jpeg().read()
    with pytest.raises(ValidationError) as error:
        images.clean_upload(Unsized(data))

    assert error.value.code == "too_large"


def test_a_file_of_exactly_10_megabytes_is_accepted():
    data = imagefiles.jpeg_bytes()
    exact = upload("exact.jpg", data + b"\x00" * (images.MAX_BYTES - len(data)))

    assert exact.size == images.MAX_BYTES
    assert decode(images.clean_upload(exact)).format == "JPEG"


def test_a_truncated_jpeg_is_refused():
    with pytest.raises(ValidationError) as error:
        images.clean_upload(imagefiles.truncated_jpeg())

    assert error.value.code == "not_image"


def test_store_image_writes_the_original_and_each_thumbnail_size():
    content = images.clean_upload(upload("wide.jpg", imagefiles.jpeg_bytes(imagefiles.two_colour_image(2000, 1000))))

    name = images.store_image(content, folder="producers/photos")

    assert default_storage.exists(name)
    sizes = {}
    for size_name in images.THUMBNAIL_SIZES:
        thumb_name = images.thumbnail_name(name, size_name)
        assert default_storage.exists(thumb_name)
        with default_storage.open(thumb_name, "rb") as handle:
            thumb = Image.open(handle)
            assert thumb.format == "JPEG"
            sizes[size_name] = thumb.size
    assert sizes == {"square": (320, 320), "card": (480, 360), "large": (1200, 600)}


def test_store_image_keeps_small_images_small_in_the_large_thumbnail():
    name = images.store_image(images.clean_upload(imagefiles.good_jpeg()), folder="producers/logos")

    with default_storage.open(images.thumbnail_name(name, "large"), "rb") as handle:
        assert Image.open(handle).size == (40, 20)


def test_stored_images_never_carry_gps(media_root):
    name = images.store_image(images.clean_upload(upload("f.jpg", imagefiles.jpeg_with_gps())), folder="producers/photos")

    stored = [path for path in media_root.rglob("*") if path.is_file()]
    assert len(stored) == 1 + len(images.THUMBNAIL_SIZES)
    for path in stored:
        with Image.open(path) as image:
            assert not image.getexif(), path
    assert name.endswith(".jpg")


def test_delete_image_removes_the_original_and_its_thumbnails(media_root):
    name = images.store_image(images.clean_upload(imagefiles.good_jpeg()), folder="producers/photos")

    images.delete_image(name)

    assert [path for path in media_root.rglob("*") if path.is_file()] == []


def test_thumbnail_url_names_the_thumbnail_file():
    assert images.thumbnail_url("producers/photos/abc.jpg", "card").endswith("producers/photos/abc__card.jpg")
    assert images.thumbnail_url("", "card") == ""
