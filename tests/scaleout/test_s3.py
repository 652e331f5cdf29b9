"""Shared media on S3-compatible object storage (moto's server on this machine): photos and their
thumbnails in the public media prefix, shown from the bucket's own address; transfer slips and
import files in the private prefix (or bucket), which anonymous requests cannot read and the
site never links, streamed by the slip view to the buyer, the producer's members and staff only.
The same code on the file system is what the rest of the suite runs."""

import io
import json
import os
import re
import subprocess
import sys
import urllib.error
import urllib.request
import uuid

import pytest
from botocore.exceptions import ClientError
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from catalogue import importing
from catalogue.importing.parse import IMPORT_FOLDER
from core import images
from orders import services
from orders.models import Order, PaymentSlip
from otop_site.settings.storage import s3_media_origins, s3_storages
from tests.factories import UserFactory, listing, log_in, make_shop, member_of, place_one
from tests.producers import imagefiles
from tests.scaleout.s3_server import ACCESS_KEY, SECRET_KEY, s3_server  # noqa: F401 - the fixture
from tests.site.processes import settings_values

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture
def on_s3(s3_server, settings, monkeypatch, media_root):  # noqa: F811 - the fixture imported above
    """The site's STORAGES as the S3 variables make them, against the moto server; credentials
    from the environment, as in production."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    settings.STORAGES = {**settings.STORAGES, **s3_storages(bucket=s3_server.bucket, endpoint_url=s3_server.endpoint_url)}
    return s3_server


@pytest.fixture
def shop(categories, tha_sawang):
    return make_shop(name_en="Tha Sawang Silk Weavers", slug="tha-sawang-silk", place=tha_sawang)


@pytest.fixture
def manager(shop):
    return member_of(shop, username="somsri")


@pytest.fixture
def scarf(shop):
    return listing(shop, name_en="Mudmee silk scarf")


def object_bytes(server, key: str, bucket: str | None = None) -> bytes:
    return server.client().get_object(Bucket=bucket or server.bucket, Key=key)["Body"].read()


def keys(server, prefix: str = "", bucket: str | None = None) -> set[str]:
    listing = server.client().list_objects_v2(Bucket=bucket or server.bucket, Prefix=prefix)
    return {item["Key"] for item in listing.get("Contents", [])}


def anonymous_get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - the local moto server
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def files_under(folder) -> list:
    return [path for path in folder.rglob("*") if path.is_file()] if folder.exists() else []


# --- Public media ---------------------------------------------------------------------------------


def test_a_product_photo_uploaded_by_its_producer_is_in_the_bucket_and_the_page_shows_it_from_there(
    on_s3, client, manager, scarf, media_root, django_capture_on_commit_callbacks
):
    # The thumbnails are a task queued once the upload commits (core.tasks.thumbnails_make).
    with django_capture_on_commit_callbacks(execute=True):
        response = log_in(client, manager).post(
            f"/dashboard/products/{scarf.pk}/photos/", {"image": imagefiles.good_jpeg("front.jpg"), "alt_text": "Front"}
        )
    assert response.status_code == 302
    photo = scarf.photos.order_by("-pk").first()  # the listing had one already
    stored = keys(on_s3, "media/products/")
    expected = {f"media/{photo.image.name}", *(f"media/{images.thumbnail_name(photo.image.name, size)}" for size in images.THUMBNAIL_SIZES)}
    assert expected <= stored
    assert files_under(media_root) == [], "nothing on this machine's disk"

    page = client.get(f"/products/{scarf.slug}/").content.decode()
    base = f"{on_s3.endpoint_url}/{on_s3.bucket}/media/"
    sources = re.findall(r'<img[^>]+src="([^"]+)"', page)
    ours = [src for src in sources if photo.image.name.rsplit(".", 1)[0] in src]
    assert ours, sources
    for src in ours:
        assert src.startswith(base), src
        with urllib.request.urlopen(src, timeout=10) as image_response:  # noqa: S310 - anonymously, as a browser
            assert image_response.status == 200
            assert Image.open(io.BytesIO(image_response.read())).format == "JPEG"
    assert object_bytes(on_s3, f"media/{photo.image.name}")[:2] == b"\xff\xd8"


def test_thumbnails_are_made_from_the_original_in_the_bucket_and_deleted_with_it(on_s3):
    name = images.store_image(images.clean_upload(imagefiles.good_jpeg("big.jpg")), folder="products")
    card = f"media/{images.thumbnail_name(name, 'card')}"
    on_s3.client().delete_object(Bucket=on_s3.bucket, Key=card)

    images.make_thumbnails(name)  # reads the original back through storage.open()

    with Image.open(io.BytesIO(object_bytes(on_s3, card))) as thumbnail:
        assert thumbnail.size == (480, 360)
    assert images.thumbnail_url(name, "card") == f"{on_s3.endpoint_url}/{on_s3.bucket}/{card}"
    images.delete_image(name)
    assert keys(on_s3, f"media/{name.rsplit('.', 1)[0]}") == set()


# --- Private files ------------------------------------------------------------------------------


def test_a_payment_slip_is_private_in_the_bucket_and_streamed_only_to_those_allowed(
    on_s3, client, buyer, manager, scarf, staff_user, media_root
):
    order = place_one(buyer, scarf)
    buyer_client = log_in(client, buyer)
    response = buyer_client.post(f"/orders/{order.number}/", {"action": "slip", "slip": imagefiles.good_jpeg("slip.jpg")})
    assert response.status_code == 302
    slip = PaymentSlip.objects.get(order=order)
    key = f"private/{slip.image.name}"
    assert key in keys(on_s3, "private/slips/")
    assert keys(on_s3, "media/slips/") == set() and files_under(media_root) == []
    stored = object_bytes(on_s3, key)

    # No anonymous read: neither the plain address nor an unsigned API request.
    assert anonymous_get(f"{on_s3.endpoint_url}/{on_s3.bucket}/{key}") == 403
    with pytest.raises(ClientError):
        on_s3.anonymous_client().get_object(Bucket=on_s3.bucket, Key=key)
    # The site gives no address of it: the order page links the slip view only.
    page = buyer_client.get(f"/orders/{order.number}/").content.decode()
    assert on_s3.endpoint_url not in page and slip.image.name not in page
    assert f"/orders/{order.number}/slips/{slip.pk}/" in page
    with pytest.raises(ValueError, match="no URL"):
        slip.image.url  # noqa: B018 - reading the attribute is what raises
    with pytest.raises(ValueError, match="no URL"):
        storages["private"].url(slip.image.name)

    views = {"buyer": f"/orders/{order.number}/slips/{slip.pk}/", "producer": f"/dashboard/orders/{order.number}/slips/{slip.pk}/"}
    for user, path in ((buyer, views["buyer"]), (manager, views["producer"]), (staff_user, views["buyer"])):
        answer = log_in(client, user).get(path)
        assert answer.status_code == 200, user
        assert b"".join(answer.streaming_content) == stored
        assert answer["Cache-Control"] == "private, no-store"
    stranger = UserFactory(username="kenji")
    for path in views.values():
        assert log_in(client, stranger).get(path).status_code == 404
    client.logout()
    assert client.get(views["buyer"]).status_code in (302, 404)


def test_a_slip_whose_object_is_gone_is_a_404(on_s3, client, buyer, scarf):
    order = place_one(buyer, scarf)
    log_in(client, buyer).post(f"/orders/{order.number}/", {"action": "slip", "slip": imagefiles.good_jpeg("slip.jpg")})
    slip = PaymentSlip.objects.get(order=order)
    on_s3.client().delete_object(Bucket=on_s3.bucket, Key=f"private/{slip.image.name}")
    assert client.get(f"/orders/{order.number}/slips/{slip.pk}/").status_code == 404


def test_cancelling_an_unpaid_order_erases_its_slip_from_the_bucket_once_committed(
    on_s3, buyer, scarf, django_capture_on_commit_callbacks
):
    slip = services.slip_upload(order=place_one(buyer, scarf), buyer=buyer, upload=imagefiles.good_jpeg("slip.jpg"))
    key = f"private/{slip.image.name}"
    with django_capture_on_commit_callbacks() as callbacks:
        services.order_transition(order=slip.order, to_state=Order.State.CANCELLED, by=buyer, note="Bought it at the fair")
        assert key in keys(on_s3, "private/slips/"), "the object stays until the cancellation is committed"
    for callback in callbacks:
        callback()
    assert key not in keys(on_s3, "private/slips/")


def test_slips_go_to_a_private_bucket_of_their_own_when_one_is_named(on_s3, settings, buyer, scarf):
    private_bucket = f"otop-private-{uuid.uuid4().hex[:8]}"
    on_s3.client().create_bucket(Bucket=private_bucket)
    settings.STORAGES = {
        **settings.STORAGES,
        **s3_storages(bucket=on_s3.bucket, private_bucket=private_bucket, endpoint_url=on_s3.endpoint_url),
    }
    slip = services.slip_upload(order=place_one(buyer, scarf), buyer=buyer, upload=imagefiles.good_jpeg("slip.jpg"))
    assert keys(on_s3, bucket=private_bucket) == {f"private/{slip.image.name}"}
    assert f"private/{slip.image.name}" not in keys(on_s3, "private/")
    assert anonymous_get(f"{on_s3.endpoint_url}/{private_bucket}/private/{slip.image.name}") == 403


def test_a_listing_spreadsheet_waits_in_the_private_prefix_for_its_producers_members_only(on_s3, client, shop, manager, tha_sawang):
    other = make_shop(name_en="Khon Kaen Weavers", slug="khon-kaen-weavers", place=tha_sawang)
    outsider = member_of(other, username="boonmee")
    data = b"category,name_en,price,stock\nsilk,Imported silk shawl,1200.50,3\n"
    uploaded = log_in(client, manager).post(
        "/dashboard/products/import/", {"file": SimpleUploadedFile("products.csv", data, content_type="text/csv")}
    )
    assert uploaded.status_code == 302
    token = uploaded.url.rstrip("/").rsplit("/", 1)[-1]
    key = f"private/{IMPORT_FOLDER}/{shop.pk}/{token}"
    assert object_bytes(on_s3, key) == data
    assert anonymous_get(f"{on_s3.endpoint_url}/{on_s3.bucket}/{key}") == 403
    assert on_s3.endpoint_url not in client.get(uploaded.url).content.decode()

    assert log_in(client, outsider).get(uploaded.url).status_code == 404, "another producer's member finds nothing"
    assert importing.import_file_read(producer=other, token=token) is None

    confirmed = log_in(client, manager).post(uploaded.url, {"action": "import"})
    assert confirmed.status_code == 302
    assert shop.products.filter(name_en="Imported silk shawl").exists()
    assert key not in keys(on_s3, f"private/{IMPORT_FOLDER}/")


# --- The settings -------------------------------------------------------------------------------


def settings_in_a_fresh_process(environment: dict) -> dict:
    """STORAGES, SERVE_MEDIA and the CSP's img-src as the settings make them from `environment`."""
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        "print(json.dumps({'storages': {k: v['BACKEND'] for k, v in settings.STORAGES.items()}, "
        "'options': settings.STORAGES['default'].get('OPTIONS', {}), 'serve_media': settings.SERVE_MEDIA, "
        "'img_src': settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src']}, default=str))"
    )
    clean = {name: value for name, value in os.environ.items() if not name.startswith("S3_")}
    output = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
        # A database address that is only parsed: without one the settings would start the embedded server.
        env={**clean, "DJANGO_SETTINGS_MODULE": "otop_site.settings.test", "DATABASE_URL": "postgres://nobody@127.0.0.1:1/unused", **environment},
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def test_without_the_s3_variables_files_stay_on_this_machines_disk():
    seen = settings_in_a_fresh_process({})
    assert seen["storages"]["default"] == "django.core.files.storage.FileSystemStorage"
    assert seen["storages"]["private"] == "core.storage.PrivateFileSystemStorage"
    assert seen["serve_media"] is True


def test_the_s3_variables_put_media_and_private_files_in_the_bucket_and_allow_its_images():
    seen = settings_in_a_fresh_process(
        {"S3_BUCKET": "otop-media", "S3_PUBLIC_URL": "https://media.otop.example/", "S3_ENDPOINT_URL": "https://s3.example"}
    )
    assert seen["storages"]["default"] == "storages.backends.s3.S3Storage"
    assert seen["storages"]["private"] == "core.storage.PrivateS3Storage"
    assert seen["options"]["custom_domain"] == "media.otop.example" and seen["options"]["querystring_auth"] is False
    assert seen["serve_media"] is False
    assert "https://media.otop.example" in seen["img_src"]


def test_one_bucket_needs_separate_media_and_private_prefixes():
    for media, private in (("", "private"), ("media", "media/private"), ("files", "files")):
        with pytest.raises(ImproperlyConfigured):
            s3_storages(bucket="otop-media", media_prefix=media, private_prefix=private)
    s3_storages(bucket="otop-media", private_bucket="otop-private", media_prefix="", private_prefix="")
    assert s3_media_origins(bucket="otop-media", endpoint_url="http://127.0.0.1:5010") == ["http://127.0.0.1:5010"]
    assert s3_media_origins(bucket="otop-media", region="ap-southeast-1") == [
        "https://otop-media.s3.amazonaws.com", "https://otop-media.s3.ap-southeast-1.amazonaws.com",
    ]


def test_default_storage_follows_the_settings(on_s3):
    name = default_storage.save("probe/hello.txt", ContentFile(b"hello"))
    assert object_bytes(on_s3, f"media/{name}") == b"hello"
    default_storage.delete(name)


@pytest.mark.parametrize(("environment", "served"), [({}, True), ({"S3_BUCKET": "otop-media"}, False)])
def test_production_serves_the_photos_itself_only_while_they_are_on_its_disk(environment, served):
    """`make serve` on one machine shows the photos it stores; with a bucket, the bucket serves them."""
    values = settings_values(
        "otop_site.settings.production", ["SERVE_MEDIA"], DATABASE_URL="postgres://nobody@127.0.0.1:1/unused",
        SECRET_KEY="a-production-key-for-this-test-only-0123456789abcdef", ALLOWED_HOSTS="otop.example", **environment,
    )
    assert values["SERVE_MEDIA"] is served
