"""The listing tools in /dashboard/products/ through the test client, as a producer's member:
create and edit with certifications, duplicate, publish, archive, order, stock, photos; and who
may reach them."""

import html
from decimal import Decimal

import pytest
from django.test import Client

from catalogue.models import Certification, Product, ProductPhoto
from producers.models import ProducerMembership
from producers.views.mixins import CURRENT_PRODUCER_SESSION_KEY
from tests.factories import ProducerMembershipFactory, accept_cash_on_delivery, add_photo, log_in, tambon_of
from tests.producers import imagefiles

LISTINGS = "/dashboard/products/"
NEW = "/dashboard/products/new/"


def edit_url(product) -> str:
    return f"/dashboard/products/{product.pk}/"


def action_url(product) -> str:
    return f"/dashboard/products/{product.pk}/action/"


def photos_url(product) -> str:
    return f"/dashboard/products/{product.pk}/photos/"


def photo_action_url(product, photo) -> str:
    return f"/dashboard/products/{product.pk}/photos/{photo.pk}/"


def text(response) -> str:
    return html.unescape(response.content.decode())


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def listing_data(categories, *, certifications=(), **overrides) -> dict:
    """What the listing form posts: every field, and the certification formset."""
    data = {
        "category": categories["silk"].pk,
        "name_en": "Mudmee silk scarf",
        "name_th": "ผ้าพันคอไหมมัดหมี่",
        "name_ja": "",
        "name_local": "",
        "description_en": "Hand-woven mudmee silk.",
        "description_th": "",
        "description_ja": "",
        "description_local": "",
        "price": "1200",
        "unit": "1 piece",
        "weight_grams": "150",
        "stock": "5",
        "origin": "",
        "local_brand_name": "Boonma Silk",
        "technique": "Mudmee ikat",
        "materials": "Thai silk",
        "star_scheme": "otop",
        "star_rating": "5",
        "star_year": "2022",
        "story_en": "Woven under the house.",
        "story_th": "",
        "story_ja": "",
        "story_local": "",
    }
    rows = list(certifications) + [{}] * max(0, 2 - len(certifications))
    data |= {
        "cert-TOTAL_FORMS": str(len(rows)),
        "cert-INITIAL_FORMS": "0",
        "cert-MIN_NUM_FORMS": "0",
        "cert-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for name in ("kind", "name", "number", "year"):
            data[f"cert-{index}-{name}"] = str(row.get(name, ""))
    return data | {name: str(value) for name, value in overrides.items()}


TCPS = {"kind": "tcps", "number": "มผช. 57/2565", "year": 2022}
GI = {"kind": "gi", "name": "Surin silk", "number": "GI 52100034", "year": 2010}


@pytest.fixture
def member(client, member_a):
    return log_in(client, member_a)


@pytest.fixture
def listing(make_product):
    return make_product(name_en="Lac-dyed silk sarong", price=Decimal("3500"), stock=4, certifications=[TCPS])


@pytest.fixture
def b_listing(make_product, group_b):
    return make_product(producer=group_b, name_en="Khon Kaen mudmee", price=Decimal("2500"), stock=3, status="published")


# --- the list -------------------------------------------------------------------------------------


def test_the_list_shows_the_groups_own_listings_with_their_tools(member, listing, b_listing):
    response = member.get(LISTINGS)
    assert response.status_code == 200
    assert [p.name_en for p in response.context["products"]] == ["Lac-dyed silk sarong"]
    page = response.content.decode()
    assert f'action="{action_url(listing)}"' in page and 'value="published"' in page
    assert "Khon Kaen mudmee" not in page
    assert page.count('name="csrfmiddlewaretoken"') >= 2


def test_the_list_filters_by_status(member, make_product):
    make_product(name_en="A draft")
    make_product(name_en="A published one", status="published")
    assert [p.name_en for p in member.get(LISTINGS + "?status=published").context["products"]] == ["A published one"]
    assert len(member.get(LISTINGS + "?status=bogus").context["products"]) == 2


# --- create and edit ------------------------------------------------------------------------------


def test_the_new_listing_form_offers_the_certifications_and_the_groups_tambons(member, categories, group_a, surin):
    response = member.get(NEW)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="cert-TOTAL_FORMS"' in page and 'name="cert-0-kind"' in page and 'name="cert-1-number"' in page
    assert f'value="{tambon_of(surin).pk}"' in page, "the tambons of the group's province"
    assert "Price (THB)" in page


def test_creating_a_listing_saves_a_draft_with_its_certifications(member, categories, group_a, surin):
    origin = tambon_of(surin, 4)
    response = member.post(NEW, listing_data(categories, certifications=[TCPS, GI], origin=origin.pk))

    product = Product.objects.get(name_en="Mudmee silk scarf")
    assert response.status_code == 302 and response.url == photos_url(product)
    assert product.producer == group_a
    assert product.status == Product.Status.DRAFT
    assert (product.price, product.currency, product.stock) == (Decimal("1200"), "THB", 5)
    assert (product.origin, product.province, product.country) == (origin, surin, "TH")
    assert (product.star_scheme, product.star_rating, product.star_year) == ("otop", 5, 2022)
    assert product.technique == "Mudmee ikat" and product.weight_grams == 150
    assert sorted(product.certifications.values_list("kind", "number", "year")) == [
        ("gi", "GI 52100034", 2010), ("tcps", "มผช. 57/2565", 2022),
    ]
    assert product.certifications.get(kind="gi").name == "Surin silk"


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"price": "-1"}, "price"),
        ({"price": "abc"}, "price"),
        ({"stock": "-2"}, "stock"),
        ({"name_en": ""}, "name_en"),
        ({"category": "999999"}, "category"),
        ({"star_scheme": "otop", "star_rating": "6"}, None),
        ({"star_scheme": "ocop", "star_rating": "2"}, None),
        ({"star_scheme": "otop", "star_rating": ""}, "star_rating"),
        ({"star_year": "1890"}, "star_year"),
    ],
)
def test_an_invalid_listing_is_shown_again_with_the_error(member, categories, overrides, field):
    response = member.post(NEW, listing_data(categories, **overrides))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors
    if field:
        assert field in form.errors
    assert 'class="error"' in response.content.decode() or 'class="form-errors"' in response.content.decode()
    assert not Product.objects.exists()


def test_an_origin_outside_the_groups_province_is_refused(member, categories, khon_kaen):
    response = member.post(NEW, listing_data(categories, origin=tambon_of(khon_kaen).pk))
    assert response.status_code == 200
    assert "origin" in response.context["form"].errors
    assert not Product.objects.exists()


def test_the_same_certification_twice_is_refused(member, categories):
    response = member.post(NEW, listing_data(categories, certifications=[TCPS, TCPS | {"number": "other"}]))
    assert response.status_code == 200
    assert "Each certification can be listed once." in text(response)
    assert not Product.objects.exists() and not Certification.objects.exists()


def test_a_certification_with_a_bad_year_is_refused(member, categories):
    response = member.post(NEW, listing_data(categories, certifications=[TCPS | {"year": "1800"}]))
    assert response.status_code == 200
    assert not response.context["formset"].is_valid()
    assert not Product.objects.exists()


def test_the_edit_form_shows_the_listing_and_saves_changes(member, categories, listing):
    page = member.get(edit_url(listing))
    assert page.status_code == 200
    content = page.content.decode()
    assert 'value="Lac-dyed silk sarong"' in content
    assert 'value="มผช. 57/2565"' in content, "its certification"

    response = member.post(
        edit_url(listing),
        listing_data(categories, name_en="Lac-dyed silk sarong", price="3900", stock="2", certifications=[GI]),
    )

    assert response.status_code == 302 and response.url == LISTINGS
    listing.refresh_from_db()
    assert (listing.price, listing.price_reference, listing.stock) == (Decimal("3900"), Decimal("3900"), 2)
    assert listing.technique == "Mudmee ikat"
    assert list(listing.certifications.values_list("kind", flat=True)) == ["gi"]
    assert listing.slug == "lac-dyed-silk-sarong"


def test_an_invalid_edit_changes_nothing(member, categories, listing):
    response = member.post(edit_url(listing), listing_data(categories, price="-5", certifications=[GI]))
    assert response.status_code == 200 and "price" in response.context["form"].errors
    listing.refresh_from_db()
    assert listing.price == Decimal("3500")
    assert list(listing.certifications.values_list("kind", flat=True)) == ["tcps"]


# --- actions --------------------------------------------------------------------------------------


def test_duplicating_makes_a_draft_copy(member, listing):
    response = member.post(action_url(listing), {"action": "duplicate"}, follow=True)
    assert response.status_code == 200
    copy = Product.objects.get(name_en="Lac-dyed silk sarong (copy)")
    assert copy.status == "draft" and copy.stock == 0 and copy.producer == listing.producer
    assert list(copy.certifications.values_list("kind", flat=True)) == ["tcps"]
    assert "Copied as a draft: Lac-dyed silk sarong (copy)." in messages_of(response)


def test_publishing_without_a_photo_is_refused_with_a_clear_message(member, listing):
    response = member.post(action_url(listing), {"action": "published"}, follow=True)
    assert response.status_code == 200
    assert "Add at least one photo before you publish." in messages_of(response)
    assert "Add at least one photo before you publish." in text(response)
    listing.refresh_from_db()
    assert listing.status == "draft"


def test_publish_archive_and_back_to_draft(member, client, listing):
    add_photo(listing)
    accept_cash_on_delivery(listing.producer)

    response = member.post(action_url(listing), {"action": "published"}, follow=True)
    listing.refresh_from_db()
    assert listing.status == "published" and listing.published_at is not None
    assert any("is now published" in message for message in messages_of(response))
    assert Client().get(f"/products/{listing.slug}/").status_code == 200

    member.post(action_url(listing), {"action": "archived"})
    listing.refresh_from_db()
    assert listing.status == "archived"
    assert Client().get(f"/products/{listing.slug}/").status_code == 404

    member.post(action_url(listing), {"action": "draft"})
    listing.refresh_from_db()
    assert listing.status == "draft"


def test_moving_listings_up_and_down(member, make_product):
    first, second, third = (make_product(name_en=f"Scarf {n}") for n in range(3))

    def order():
        return [p.name_en for p in member.get(LISTINGS).context["products"]]

    assert order() == ["Scarf 0", "Scarf 1", "Scarf 2"]
    member.post(action_url(third), {"action": "up"})
    assert order() == ["Scarf 0", "Scarf 2", "Scarf 1"]
    member.post(action_url(first), {"action": "down"})
    assert order() == ["Scarf 2", "Scarf 0", "Scarf 1"]


def test_setting_the_stock(member, listing):
    response = member.post(action_url(listing), {"action": "stock", "stock": "12"}, follow=True)
    listing.refresh_from_db()
    assert listing.stock == 12
    assert "Stock of Lac-dyed silk sarong set to 12." in messages_of(response)

    member.post(action_url(listing), {"action": "stock", "stock": "0"})
    listing.refresh_from_db()
    assert listing.stock == 0


@pytest.mark.parametrize("stock", ["-1", "abc", ""])
def test_a_negative_or_missing_stock_is_refused(member, listing, stock):
    response = member.post(action_url(listing), {"action": "stock", "stock": stock}, follow=True)
    assert response.status_code == 200
    assert messages_of(response), "an error is shown"
    listing.refresh_from_db()
    assert listing.stock == 4


def test_an_unknown_action_is_refused(member, listing):
    response = member.post(action_url(listing), {"action": "delete-everything"}, follow=True)
    assert "Unknown action." in messages_of(response)
    assert Product.objects.filter(pk=listing.pk).exists()


def test_actions_need_a_csrf_token(member_a, listing):
    client = log_in(Client(enforce_csrf_checks=True), member_a)
    assert client.post(action_url(listing), {"action": "duplicate"}).status_code == 403
    assert Product.objects.count() == 1


# --- photos ---------------------------------------------------------------------------------------


def test_uploading_reordering_and_deleting_photos(member, listing, media_root):
    page = member.get(photos_url(listing))
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.content.decode()

    for name in ("front.jpg", "back.png"):
        upload = imagefiles.good_jpeg(name) if name.endswith(".jpg") else imagefiles.upload(name, imagefiles.png_bytes(), "image/png")
        response = member.post(photos_url(listing), {"image": upload, "alt_text": f"The {name}"})
        assert response.status_code == 302 and response.url == photos_url(listing)
    first, second = listing.photos.all()
    assert (first.alt_text, second.alt_text) == ("The front.jpg", "The back.png")
    assert second.image.name.endswith(".jpg"), "re-encoded"

    member.post(photo_action_url(listing, second), {"action": "up"})
    assert list(listing.photos.values_list("pk", flat=True)) == [second.pk, first.pk]
    member.post(photo_action_url(listing, second), {"action": "down"})
    assert list(listing.photos.values_list("pk", flat=True)) == [first.pk, second.pk]

    response = member.post(photo_action_url(listing, first), {"action": "delete"})
    assert response.status_code == 302
    assert list(listing.photos.all()) == [second]
    assert not (media_root / first.image.name).exists()


def test_an_upload_that_is_not_an_image_is_refused(member, listing):
    response = member.post(photos_url(listing), {"image": imagefiles.text_named_jpg()})
    assert response.status_code == 200
    assert response.context["form"].errors["image"]
    assert not listing.photos.exists()


def test_deleting_the_last_photo_of_a_published_listing_returns_it_to_draft(member, listing):
    add_photo(listing)
    accept_cash_on_delivery(listing.producer)
    member.post(action_url(listing), {"action": "published"})
    listing.refresh_from_db()
    assert listing.status == "published"

    member.post(photo_action_url(listing, listing.photos.get()), {"action": "delete"})

    listing.refresh_from_db()
    assert listing.status == "draft"
    assert Client().get(f"/products/{listing.slug}/").status_code == 404


def test_a_photo_of_another_listing_is_a_404(member, listing, make_product):
    other = make_product(name_en="Other scarf")
    photo = add_photo(other)
    for action in ("delete", "up", "down"):
        assert member.post(photo_action_url(listing, photo), {"action": action}).status_code == 404
    assert ProductPhoto.objects.filter(pk=photo.pk).exists()


# --- who may reach the tools ----------------------------------------------------------------------


def test_another_producers_listing_is_a_404(member, b_listing, categories):
    photo = b_listing.photos.get()
    assert member.get(edit_url(b_listing)).status_code == 404
    assert member.post(edit_url(b_listing), listing_data(categories, name_en="Hijacked")).status_code == 404
    for action in ("draft", "archived", "duplicate", "up", "stock"):
        assert member.post(action_url(b_listing), {"action": action, "stock": "0"}).status_code == 404
    assert member.get(photos_url(b_listing)).status_code == 404
    assert member.post(photos_url(b_listing), {"image": imagefiles.good_jpeg()}).status_code == 404
    assert member.post(photo_action_url(b_listing, photo), {"action": "delete"}).status_code == 404

    b_listing.refresh_from_db()
    assert (b_listing.name_en, b_listing.status, b_listing.stock) == ("Khon Kaen mudmee", "published", 3)
    assert Product.objects.filter(producer=b_listing.producer).count() == 1
    assert b_listing.photos.count() == 1


def test_an_unknown_listing_is_a_404(member):
    assert member.get("/dashboard/products/999999/").status_code == 404
    assert member.post("/dashboard/products/999999/action/", {"action": "published"}).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, listing):
    photo = add_photo(listing)
    for method, url in [
        ("get", LISTINGS), ("get", NEW), ("post", NEW), ("get", edit_url(listing)), ("post", action_url(listing)),
        ("get", photos_url(listing)), ("post", photo_action_url(listing, photo)),
    ]:
        response = getattr(client, method)(url, {"action": "duplicate"} if method == "post" else {})
        assert response.status_code == 302, url
        assert response.url.startswith("/accounts/login/"), url
    assert Product.objects.count() == 1


def test_a_user_without_a_producer_is_sent_to_registration(client, plain_user, listing):
    log_in(client, plain_user)
    for method, url in [("get", LISTINGS), ("get", NEW), ("get", edit_url(listing)), ("post", action_url(listing))]:
        response = getattr(client, method)(url, {"action": "duplicate"} if method == "post" else {})
        assert response.status_code == 302 and response.url == "/dashboard/register/", url
    assert Product.objects.count() == 1


def test_a_member_of_two_groups_edits_the_other_groups_listing_and_the_dashboard_follows(
    member, member_a, group_a, group_b, b_listing, categories, listing
):
    ProducerMembershipFactory(producer=group_b, user=member_a, role=ProducerMembership.Role.MEMBER)
    session = member.session
    session[CURRENT_PRODUCER_SESSION_KEY] = group_a.pk
    session.save()

    page = member.get(edit_url(b_listing))
    assert page.status_code == 200
    assert page.context["producer"] == group_b
    assert member.session[CURRENT_PRODUCER_SESSION_KEY] == group_b.pk

    response = member.post(edit_url(b_listing), listing_data(categories, name_en="Khon Kaen mudmee", price="2700"))
    assert response.status_code == 302
    b_listing.refresh_from_db()
    assert b_listing.price == Decimal("2700") and b_listing.producer == group_b

    assert [p.name_en for p in member.get(LISTINGS).context["products"]] == ["Khon Kaen mudmee"]

    # and back to group A's listing
    assert member.get(photos_url(listing)).context["producer"] == group_a
    assert member.session[CURRENT_PRODUCER_SESSION_KEY] == group_a.pk
