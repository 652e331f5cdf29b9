"""Transfer slips are private: kept out of the public media, streamed only to the order's buyer,
its producer's members and staff, erased with their row and with an order cancelled unpaid,
moved out of the public media by a migration, and their upload throttled."""

import importlib
import io
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.http import Http404
from django.test import RequestFactory
from django.views.static import serve
from django_ratelimit import core as ratelimit_core
from PIL import Image

from orders import services
from orders.models import Order, PaymentSlip
from producers.views.mixins import CURRENT_PRODUCER_SESSION_KEY
from tests.factories import UserFactory, log_in, place_one
from tests.producers import imagefiles

State = Order.State

move_slips = importlib.import_module("orders.migrations.0002_private_slips")


@pytest.fixture
def slip(buyer, scarf):
    order = place_one(buyer, scarf)
    return services.slip_upload(order=order, buyer=buyer, upload=imagefiles.good_jpeg("slip.jpg"))


def slip_urls(slip) -> list[str]:
    number = slip.order.number
    return [f"/orders/{number}/slips/{slip.pk}/", f"/dashboard/orders/{number}/slips/{slip.pk}/"]


# --- Stored where no URL reaches -----------------------------------------------------------------


def test_a_slip_is_stored_in_the_private_storage_and_the_public_media_does_not_serve_it(slip, media_root, private_root, client):
    assert (private_root / slip.image.name).is_file()
    assert not (media_root / slip.image.name).exists()
    assert not (media_root / "slips").exists(), "no thumbnails either"
    # What /media/<path> does, against the media folder of this test.
    request = RequestFactory().get(f"/media/{slip.image.name}")
    with pytest.raises(Http404):
        serve(request, slip.image.name, document_root=str(media_root))
    assert client.get(f"/media/{slip.image.name}").status_code == 404


def test_a_slip_has_no_public_url(slip):
    with pytest.raises(ValueError, match="no URL"):
        slip.image.url  # noqa: B018 - reading the attribute is what raises


# --- The view ------------------------------------------------------------------------------------


def test_the_slip_answers_its_buyer_the_producers_members_and_staff_and_404s_everyone_else(
    client, slip, buyer, manager, member, staff_user, other_buyer, other_manager
):
    people = {
        "anonymous": None,
        "buyer": buyer,
        "manager": manager,
        "member": member,
        "staff": staff_user,
        "another buyer": other_buyer,
        "another group's manager": other_manager,
    }
    answers = {}
    for who, user in people.items():
        client.logout()
        if user is not None:
            log_in(client, user)
        answers[who] = [client.get(url).status_code for url in slip_urls(slip)]
    assert answers == {
        "anonymous": [404, 404],
        "buyer": [200, 200],
        "manager": [200, 200],
        "member": [200, 200],
        "staff": [200, 200],
        "another buyer": [404, 404],
        "another group's manager": [404, 404],
    }


def test_the_slip_streams_the_stored_jpeg_with_private_headers(client, slip, buyer, private_root):
    response = log_in(client, buyer).get(slip_urls(slip)[0])
    body = b"".join(response.streaming_content)
    assert body == (private_root / slip.image.name).read_bytes()
    assert Image.open(io.BytesIO(body)).format == "JPEG"
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("inline")


def test_a_slip_is_not_found_under_another_order_of_the_same_buyer(client, slip, buyer, scarf):
    other_order = place_one(buyer, scarf)
    log_in(client, buyer)
    assert client.get(f"/orders/{slip.order.number}/slips/{slip.pk}/").status_code == 200
    assert client.get(f"/orders/{other_order.number}/slips/{slip.pk}/").status_code == 404
    assert client.get(f"/orders/{slip.order.number}/slips/{slip.pk + 1000}/").status_code == 404


def test_a_member_of_two_groups_sees_the_slip_whichever_group_the_dashboard_shows(client, slip, manager, other_shop):
    from producers.models import ProducerMembership

    ProducerMembership.objects.create(producer=other_shop, user=manager, role=ProducerMembership.Role.MANAGER)
    log_in(client, manager)
    session = client.session
    session[CURRENT_PRODUCER_SESSION_KEY] = other_shop.pk
    session.save()
    assert client.get(slip_urls(slip)[1]).status_code == 200


def test_a_slip_whose_file_is_missing_is_a_404(client, slip, buyer, private_root):
    (private_root / slip.image.name).unlink()
    assert log_in(client, buyer).get(slip_urls(slip)[0]).status_code == 404


def test_the_order_pages_link_the_slip_through_the_view(client, slip, buyer, manager):
    url_buyer, url_dashboard = slip_urls(slip)
    buyer_page = log_in(client, buyer).get(f"/orders/{slip.order.number}/").content.decode()
    assert f'href="{url_buyer}"' in buyer_page
    dashboard_page = log_in(client, manager).get(f"/dashboard/orders/{slip.order.number}/").content.decode()
    assert f'href="{url_dashboard}"' in dashboard_page and f'src="{url_dashboard}"' in dashboard_page
    assert "/media/" not in buyer_page + dashboard_page


# --- Erased with what they belong to -----------------------------------------------------------


def test_cancelling_an_unpaid_order_erases_its_slips_once_committed(slip, buyer, private_root, django_capture_on_commit_callbacks):
    path = private_root / slip.image.name
    with django_capture_on_commit_callbacks() as callbacks:
        services.order_transition(order=slip.order, to_state=State.CANCELLED, by=buyer, note="Bought it at the fair")
        assert not PaymentSlip.objects.filter(pk=slip.pk).exists()
        assert path.is_file(), "the file stays until the cancellation is committed"
    for callback in callbacks:
        callback()
    assert not path.exists()


def test_an_expired_order_loses_its_slips(slip, private_root, django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.utils import timezone

    with django_capture_on_commit_callbacks(execute=True):
        assert services.orders_expire(now=timezone.now() + timedelta(hours=49)) == 1
    assert not PaymentSlip.objects.filter(pk=slip.pk).exists()
    assert not (private_root / slip.image.name).exists()


def test_a_paid_then_cancelled_order_keeps_its_slip_for_the_producers_books(
    slip, manager, private_root, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.slip_review(slip=slip, by=manager, accept=True)
        services.order_transition(order=slip.order, to_state=State.CANCELLED, by=manager, note="Out of silk", refund_note="Refunded by transfer")
    slip.order.refresh_from_db()
    assert slip.order.state == State.CANCELLED
    assert PaymentSlip.objects.filter(pk=slip.pk).exists()
    assert (private_root / slip.image.name).is_file()


def test_deleting_a_slip_row_deletes_its_file_after_the_commit_and_never_before(
    slip, private_root, django_capture_on_commit_callbacks
):
    path = private_root / slip.image.name

    class RolledBack(Exception):
        pass

    with pytest.raises(RolledBack), transaction.atomic():
        PaymentSlip.objects.filter(pk=slip.pk).delete()
        raise RolledBack
    assert PaymentSlip.objects.filter(pk=slip.pk).exists() and path.is_file(), "a rolled-back deletion keeps the file"

    with django_capture_on_commit_callbacks(execute=True):
        PaymentSlip.objects.filter(pk=slip.pk).delete()
    assert not path.exists()


def test_a_slip_of_an_order_cancelled_meanwhile_is_gone_and_cannot_be_accepted(slip, buyer, manager):
    services.order_transition(order=slip.order, to_state=State.CANCELLED, by=buyer, note="Changed my mind")
    with pytest.raises(services.ValidationError, match="no longer there"):
        services.slip_review(slip=slip, by=manager, accept=True)


# --- The migration -----------------------------------------------------------------------------


def test_the_migration_moves_slips_out_of_the_public_media(
    client, buyer, scarf, media_root, private_root, django_capture_on_commit_callbacks
):
    order = place_one(buyer, scarf)
    data = imagefiles.jpeg_bytes()
    # As the old code stored them: the original and its thumbnails under media/slips/.
    name = default_storage.save("slips/0123abcd.jpg", ContentFile(data))
    for size in ("square", "card", "large"):
        default_storage.save(f"slips/0123abcd__{size}.jpg", ContentFile(b"thumbnail"))
    moved = PaymentSlip.objects.create(order=order, image=name)
    missing = PaymentSlip.objects.create(order=order, image="slips/gone-already.jpg")

    with django_capture_on_commit_callbacks(execute=True):
        move_slips.move_slips_to_private(django_apps, SimpleNamespace(connection=connection))

    assert (private_root / name).read_bytes() == data
    assert not (media_root / "slips").exists(), "nothing is left under media/slips"
    missing.refresh_from_db()
    assert missing.image.name == "slips/gone-already.jpg"
    response = log_in(client, buyer).get(f"/orders/{order.number}/slips/{moved.pk}/")
    assert b"".join(response.streaming_content) == data


def test_the_migration_leaves_public_files_no_slip_names_alone(buyer, scarf, media_root, django_capture_on_commit_callbacks):
    """A test database migrated against a developer's media folder must not delete their slips."""
    default_storage.save("slips/someone-elses.jpg", ContentFile(b"theirs"))
    with django_capture_on_commit_callbacks(execute=True):
        move_slips.move_slips_to_private(django_apps, SimpleNamespace(connection=connection))
    assert (media_root / "slips" / "someone-elses.jpg").read_bytes() == b"theirs"


def test_the_migration_reversed_puts_slips_back_in_the_media(slip, media_root, private_root, django_capture_on_commit_callbacks):
    data = (private_root / slip.image.name).read_bytes()
    with django_capture_on_commit_callbacks(execute=True):
        move_slips.move_slips_to_public(django_apps, SimpleNamespace(connection=connection))
    assert (media_root / slip.image.name).read_bytes() == data
    assert not (private_root / slip.image.name).exists()


# --- Throttle ----------------------------------------------------------------------------------


@pytest.fixture
def fixed_clock(monkeypatch):
    """The throttle counts in fixed windows; pin its clock so a test never straddles two."""
    monkeypatch.setattr(ratelimit_core, "time", SimpleNamespace(time=lambda: 1_900_000_000))


def send_slip(client, order, upload=None):
    return client.post(f"/orders/{order.number}/", {"action": "slip", "slip": upload or imagefiles.good_jpeg("slip.jpg")})


def test_slip_uploads_past_the_limit_for_one_order_get_429_and_store_nothing(
    buyer_client, buyer, scarf, private_root, fixed_clock
):
    order, other_order = place_one(buyer, scarf), place_one(buyer, scarf)
    for _ in range(5):
        assert send_slip(buyer_client, order).status_code == 302
    response = send_slip(buyer_client, order)
    assert response.status_code == 429
    assert "You have sent too many slips for now." in response.content.decode()
    assert 'name="slip"' in response.content.decode(), "the form is shown again"
    assert order.slips.count() == 5
    assert len(list((private_root / "slips").iterdir())) == 5
    assert send_slip(buyer_client, other_order).status_code == 302, "another order has its own count"


def test_slip_uploads_past_the_limit_for_one_account_get_429_and_store_nothing(buyer_client, buyer, scarf, fixed_clock, unpaid_limits_raised):
    orders = [place_one(buyer, scarf) for _ in range(3)]
    # Refused files count too: each costs a decoding.
    for order, attempts in zip(orders, (4, 4, 2), strict=True):
        for _ in range(attempts):
            assert send_slip(buyer_client, order, imagefiles.text_named_jpg()).status_code == 200
    response = send_slip(buyer_client, orders[2])
    assert response.status_code == 429
    assert not PaymentSlip.objects.exists()
    # Another account is not held back by this one.
    other = UserFactory(username="lamai")
    other_order = place_one(other, scarf)
    buyer_client.logout()
    assert send_slip(log_in(buyer_client, other), other_order).status_code == 302


@pytest.mark.parametrize("slip_id", ["0", "99999999999999999999999"])
def test_a_slip_id_out_of_range_is_a_404_not_a_500(client, slip, buyer, slip_id):
    assert log_in(client, buyer).get(f"/orders/{slip.order.number}/slips/{slip_id}/").status_code == 404
