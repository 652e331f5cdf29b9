"""The producer pages through the test client: the journey, bad input, uploads, permissions, queries."""

import html
import json
import re

import pytest
from django.test import Client
from PIL import Image

from catalogue.selectors import DIRECTORY_PAGE_SIZE
from places.models import Place
from producers.models import Producer, ProducerInvitation, ProducerMembership, ProducerPhoto
from producers.views.mixins import CURRENT_PRODUCER_SESSION_KEY
from tests.pages import page_queries
from tests.factories import TEST_PASSWORD, ProducerPhotoFactory, UserFactory, log_in, settle, tambon_of
from tests.producers import imagefiles



def text(response) -> str:
    return response.content.decode()


def unescaped(response) -> str:
    return html.unescape(text(response))


def names_listed(response) -> list[str]:
    return [producer.name_en for producer in response.context["producers"]]


def stored_files(media_root) -> list:
    return [path for path in media_root.rglob("*") if path.is_file()]


# --- the registration journey --------------------------------------------------------------------

STEP_ONE = {
    "name": "กลุ่มทอผ้าไหมบ้านท่าสว่าง",
    "name_en": "Ban Tha Sawang Silk Weavers",
    "name_ja": "",
    "kind": "community_group",
    "own_language": "th",
}


def test_registration_journey_from_sign_up_to_verified_and_suspended(client, plain_user, staff, surin, tha_sawang):
    log_in(client, plain_user)
    dashboard = client.get("/dashboard/")
    assert dashboard.status_code == 200
    assert "/dashboard/register/" in text(dashboard)

    assert client.get("/dashboard/register/").status_code == 200
    step_one = client.post("/dashboard/register/", STEP_ONE | {"province": surin.pk})
    assert step_one.status_code == 302 and step_one.url == "/dashboard/register/place/"

    step_two_page = client.get("/dashboard/register/place/")
    assert step_two_page.status_code == 200
    assert f'value="{tha_sawang.pk}"' in text(step_two_page), "Surin's tambons are offered"

    step_two = client.post(
        "/dashboard/register/place/",
        {
            "tambon": tha_sawang.pk,
            "village": "Ban Tha Sawang",
            "story": "We weave pha yok silk.",
            "contact_phone": "081 234 5678",
            "contact_email": "weavers@example.com",
        },
    )
    assert step_two.status_code == 302 and step_two.url == "/dashboard/"

    producer = Producer.objects.get(name_en="Ban Tha Sawang Silk Weavers")
    assert producer.state == Producer.State.PENDING
    assert producer.place.level == "village" and producer.place.parent == tha_sawang
    assert producer.province == surin and producer.country == "TH"
    assert producer.languages == ["th"]
    assert ProducerMembership.objects.get(producer=producer).user == plain_user
    assert ProducerMembership.objects.get(producer=producer).role == "manager"

    dashboard = client.get("/dashboard/")
    assert "pending verification" in text(dashboard)
    assert "Ban Tha Sawang Silk Weavers" in text(dashboard)

    visitor = Client()
    assert "Ban Tha Sawang Silk Weavers" not in text(visitor.get("/producers/"))
    assert visitor.get(f"/producers/{producer.slug}/").status_code == 404

    staff_client = log_in(Client(), staff)
    queue = staff_client.get("/staff/producers/")
    assert queue.status_code == 200 and "Ban Tha Sawang Silk Weavers" in text(queue)
    verified = staff_client.post(f"/staff/producers/{producer.pk}/state/", {"to_state": "verified", "reason": ""})
    assert verified.status_code == 302
    producer.refresh_from_db()
    assert producer.state == Producer.State.VERIFIED
    assert producer.state_changes.first().by == staff

    assert "Ban Tha Sawang Silk Weavers" in text(visitor.get("/producers/"))
    profile = visitor.get(f"/producers/{producer.slug}/")
    assert profile.status_code == 200
    assert "We weave pha yok silk." in text(profile)

    # A suspension without a reason is refused; with one it hides the producer again.
    staff_client.post(f"/staff/producers/{producer.pk}/state/", {"to_state": "suspended", "reason": ""})
    producer.refresh_from_db()
    assert producer.state == Producer.State.VERIFIED
    staff_client.post(f"/staff/producers/{producer.pk}/state/", {"to_state": "suspended", "reason": "Fake silk reported."})
    producer.refresh_from_db()
    assert producer.state == Producer.State.SUSPENDED

    assert "Ban Tha Sawang Silk Weavers" not in text(visitor.get("/producers/"))
    assert visitor.get(f"/producers/{producer.slug}/").status_code == 404
    dashboard = client.get("/dashboard/")
    assert "Fake silk reported." in text(dashboard)
    assert list(producer.state_changes.values_list("to_state", flat=True)) == ["suspended", "verified", "pending"]


def test_registration_outside_thailand_takes_a_town_and_a_village(client, plain_user, oita):
    log_in(client, plain_user)
    client.post(
        "/dashboard/register/",
        {"name": "ゆふいん竹細工の会", "name_en": "Yufuin Bamboo Craft", "kind": "cooperative", "own_language": "ja", "province": oita.pk},
    )

    page = client.get("/dashboard/register/place/")
    assert "tambon" not in page.context["form"].fields
    response = client.post("/dashboard/register/place/", {"town": "Yufu", "village": "Yufuin"})

    assert response.status_code == 302
    producer = Producer.objects.get(name_en="Yufuin Bamboo Craft")
    assert producer.country == "JP" and producer.province == oita
    assert [place.name_en for place in producer.place.ancestors()] == ["Yufuin", "Yufu", "Oita"]


def test_step_two_without_step_one_goes_back_to_step_one(client, plain_user):
    log_in(client, plain_user)

    response = client.get("/dashboard/register/place/")

    assert response.status_code == 302 and response.url == "/dashboard/register/"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": ""}, "name"),
        ({"name_en": ""}, "name_en"),
        ({"kind": "shop"}, "kind"),
        ({"own_language": "xx"}, "own_language"),
        ({"province": ""}, "province"),
        ({"province": "abc"}, "province"),
        ({"province": "999999999"}, "province"),
        ({"name_en": "x" * 201}, "name_en"),
    ],
    ids=["no name", "no English name", "unknown kind", "unknown language", "no province", "province not a number",
         "province not in the list", "name too long"],
)
def test_registration_step_one_shows_errors_and_keeps_nothing(client, plain_user, surin, change, field):
    log_in(client, plain_user)

    response = client.post("/dashboard/register/", STEP_ONE | {"province": surin.pk} | change)

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert 'class="error"' in text(response)
    assert "producer_registration" not in client.session
    assert not Producer.objects.exists()


def test_registration_step_one_refuses_a_place_that_is_not_a_province(client, plain_user, tha_sawang):
    log_in(client, plain_user)

    response = client.post("/dashboard/register/", STEP_ONE | {"province": tha_sawang.pk})

    assert response.status_code == 200
    assert "province" in response.context["form"].errors


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"tambon": ""}, "tambon"),
        ({"tambon": "other province"}, "tambon"),
        ({"tambon": "not-a-number"}, "tambon"),
        ({"contact_email": "not an e-mail"}, "contact_email"),
        ({"contact_phone": "call <me>"}, "contact_phone"),
    ],
    ids=["no tambon", "tambon of another province", "tambon not a number", "bad e-mail", "bad phone"],
)
def test_registration_step_two_shows_errors_and_saves_nothing(
    client, plain_user, surin, khon_kaen, tha_sawang, fields, field
):
    log_in(client, plain_user)
    client.post("/dashboard/register/", STEP_ONE | {"province": surin.pk})
    if fields.get("tambon") == "other province":
        fields = {"tambon": tambon_of(khon_kaen).pk}
    places_before = Place.objects.count()

    response = client.post(
        "/dashboard/register/place/", {"tambon": tha_sawang.pk, "village": "Ban Tha Sawang", "story": "Silk."} | fields
    )

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert 'class="error"' in text(response)
    assert not Producer.objects.exists()
    assert not ProducerMembership.objects.exists()
    assert Place.objects.count() == places_before, "no village is left behind by a failed registration"
    assert "producer_registration" in client.session, "the first step is kept to try again"


# --- uploads through the dashboard ---------------------------------------------------------------


def test_a_member_adds_a_photo_without_its_location(client, member_a, group_a, media_root):
    log_in(client, member_a)

    response = client.post("/dashboard/photos/", {"image": imagefiles.upload("field.jpg", imagefiles.jpeg_with_gps()), "caption": "Dyeing"})

    assert response.status_code == 302
    photo = group_a.photos.get()
    assert photo.caption == "Dyeing" and photo.image.name.endswith(".jpg")
    for path in stored_files(media_root):
        with Image.open(path) as image:
            assert not image.getexif()
    page = client.get("/dashboard/photos/")
    assert photo.image.name.replace(".jpg", "__card.jpg") in text(page)


def test_a_png_renamed_txt_is_taken_as_the_image_it_is(client, manager_a, group_a):
    log_in(client, manager_a)

    response = client.post("/dashboard/photos/logo/", {"logo": imagefiles.png_named_txt()})

    assert response.status_code == 302
    group_a.refresh_from_db()
    assert group_a.logo.name.startswith("producers/logos/") and group_a.logo.name.endswith(".jpg")


@pytest.mark.parametrize("bad_upload", list(imagefiles.BAD_UPLOADS))
def test_a_bad_photo_upload_says_why_and_saves_nothing(client, member_a, group_a, media_root, bad_upload):
    make_file, message = imagefiles.BAD_UPLOADS[bad_upload]
    log_in(client, member_a)

    response = client.post("/dashboard/photos/", {"image": make_file(), "caption": "x"})

    assert response.status_code == 200
    assert message in unescaped(response)
    assert response.context["form"].errors["image"]
    assert not ProducerPhoto.objects.exists()
    assert not stored_files(media_root)


@pytest.mark.parametrize("bad_upload", list(imagefiles.BAD_UPLOADS))
def test_a_bad_logo_upload_says_why_and_keeps_the_old_logo(client, manager_a, group_a, media_root, bad_upload):
    make_file, message = imagefiles.BAD_UPLOADS[bad_upload]
    log_in(client, manager_a)

    response = client.post("/dashboard/photos/logo/", {"logo": make_file()})

    assert response.status_code == 200
    assert message in unescaped(response)
    group_a.refresh_from_db()
    assert not group_a.logo
    assert not stored_files(media_root)


def test_an_upload_without_a_file_is_a_form_error(client, member_a, group_a):
    log_in(client, member_a)

    response = client.post("/dashboard/photos/", {"caption": "no file"})

    assert response.status_code == 200
    assert "image" in response.context["form"].errors
    assert not ProducerPhoto.objects.exists()


def test_a_member_deletes_a_photo_of_their_group(client, member_a, group_a):
    photo = ProducerPhotoFactory(producer=group_a)
    log_in(client, member_a)

    response = client.post(f"/dashboard/photos/{photo.pk}/delete/")

    assert response.status_code == 302
    assert not ProducerPhoto.objects.exists()


# --- authorisation -------------------------------------------------------------------------------

DASHBOARD_PAGES = [
    "/dashboard/",
    "/dashboard/register/",
    "/dashboard/register/place/",
    "/dashboard/profile/",
    "/dashboard/payment/",
    "/dashboard/photos/",
    "/dashboard/members/",
    "/dashboard/invitations/some-token/",
    "/staff/producers/",
]


@pytest.mark.parametrize("url", DASHBOARD_PAGES)
def test_anonymous_visitors_are_sent_to_log_in(client, db, url):
    response = client.get(url, follow=True)

    assert response.redirect_chain, "the page itself is not shown"
    assert response.redirect_chain[-1][0].startswith("/accounts/login/?next=")
    assert response.status_code == 200


@pytest.mark.parametrize(
    "url", ["/dashboard/switch/", "/dashboard/photos/1/delete/", "/dashboard/members/1/", "/dashboard/leave/", "/staff/producers/1/state/"]
)
def test_anonymous_posts_change_nothing_and_are_sent_to_log_in(client, group_a, manager_a, url):
    response = client.post(url, {"producer": group_a.pk, "action": "remove", "to_state": "suspended", "reason": "x"})

    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    group_a.refresh_from_db()
    assert group_a.state == "verified" and group_a.memberships.count() == 1


def test_a_user_without_a_group_is_sent_to_registration(client, plain_user):
    log_in(client, plain_user)

    for url in ("/dashboard/profile/", "/dashboard/photos/", "/dashboard/members/", "/dashboard/payment/"):
        response = client.get(url)
        assert response.status_code == 302 and response.url == "/dashboard/register/", url


def test_a_member_of_group_a_cannot_switch_to_group_b(client, member_a, group_a, group_b, manager_b):
    log_in(client, member_a)

    assert client.post("/dashboard/switch/", {"producer": group_b.pk}).status_code == 404
    assert client.post("/dashboard/switch/", {"producer": "not a number"}).status_code == 404
    assert client.session.get(CURRENT_PRODUCER_SESSION_KEY) != group_b.pk
    assert client.post("/dashboard/switch/", {"producer": group_a.pk}).status_code == 302
    assert client.session[CURRENT_PRODUCER_SESSION_KEY] == group_a.pk


def test_a_member_of_two_groups_switches_between_them(client, member_a, group_a, group_b):
    ProducerMembership.objects.create(producer=group_b, user=member_a, role="member")
    log_in(client, member_a)

    client.post("/dashboard/switch/", {"producer": group_b.pk})

    assert client.get("/dashboard/").context["producer"] == group_b


def test_a_session_pointing_at_another_group_edits_only_ones_own(client, manager_a, group_a, group_b):
    log_in(client, manager_a)
    session = client.session
    session[CURRENT_PRODUCER_SESSION_KEY] = group_b.pk
    session.save()

    assert client.get("/dashboard/").context["producer"] == group_a
    client.post("/dashboard/profile/", {"name": "x", "name_en": "Taken Over", "kind": "individual", "own_language": "th"})

    group_b.refresh_from_db()
    group_a.refresh_from_db()
    assert group_b.name_en == "Chonnabot Mudmee Group"
    assert group_a.name_en == "Taken Over"


def test_a_member_of_group_a_cannot_delete_a_photo_of_group_b(client, member_a, group_a, group_b):
    photo = ProducerPhotoFactory(producer=group_b)
    log_in(client, member_a)

    response = client.post(f"/dashboard/photos/{photo.pk}/delete/")

    assert response.status_code == 404
    assert ProducerPhoto.objects.filter(pk=photo.pk).exists()


def test_a_manager_of_group_a_cannot_change_a_member_of_group_b(client, manager_a, group_a, manager_b, group_b):
    other = ProducerMembership.objects.get(producer=group_b, user=manager_b)
    log_in(client, manager_a)

    for action in ("remove", "member"):
        response = client.post(f"/dashboard/members/{other.pk}/", {"action": action})
        assert response.status_code in (403, 404)

    other.refresh_from_db()
    assert other.role == "manager"


def test_a_plain_member_gets_403_on_the_payment_details(client, member_a, group_a):
    log_in(client, member_a)

    assert client.get("/dashboard/payment/").status_code == 403
    assert client.post("/dashboard/payment/", {"promptpay_id": "0812345678"}).status_code == 403
    group_a.refresh_from_db()
    assert group_a.promptpay_id == ""
    assert "/dashboard/payment/" not in text(client.get("/dashboard/"))


def test_a_plain_member_gets_403_on_member_changes_and_invitations(client, manager_a, member_a, group_a):
    manager = ProducerMembership.objects.get(producer=group_a, user=manager_a)
    log_in(client, member_a)

    assert client.post(f"/dashboard/members/{manager.pk}/", {"action": "remove"}).status_code == 403
    assert client.post(f"/dashboard/members/{manager.pk}/", {"action": "member"}).status_code == 403
    assert client.post("/dashboard/members/", {"invitee": "friend@example.com", "role": "manager"}).status_code == 403

    manager.refresh_from_db()
    assert manager.role == "manager"
    assert not ProducerInvitation.objects.exists()


def test_a_manager_changes_the_payment_details(client, manager_a, group_a):
    settle(group_a)
    log_in(client, manager_a)

    response = client.post(
        "/dashboard/payment/",
        {
            "bank_name": "Krungthai", "bank_account_name": "Weavers", "bank_account_number": "123-4-56789-0",
            "promptpay_id": "0812345678", "password": TEST_PASSWORD,
        },
    )

    assert response.status_code == 302
    group_a.refresh_from_db()
    assert group_a.promptpay_id == "0812345678"


def test_a_bad_promptpay_id_is_shown_and_not_saved(client, manager_a, group_a):
    log_in(client, manager_a)

    response = client.post("/dashboard/payment/", {"promptpay_id": "12345"})

    assert response.status_code == 200
    assert "promptpay_id" in response.context["form"].errors
    group_a.refresh_from_db()
    assert group_a.promptpay_id == ""


def test_any_member_edits_the_profile(client, member_a, group_a):
    log_in(client, member_a)

    response = client.post(
        "/dashboard/profile/",
        {"name": group_a.name, "name_en": group_a.name_en, "kind": "cooperative", "own_language": "th",
         "languages": ["th", "en"], "story_en": "We weave.", "founded_year": "1998", "website": "weavers.example.com"},
    )

    assert response.status_code == 302
    group_a.refresh_from_db()
    assert (group_a.kind, group_a.languages, group_a.founded_year) == ("cooperative", ["th", "en"], 1998)
    assert group_a.website == "https://weavers.example.com"


def test_a_bad_profile_shows_errors_and_changes_nothing(client, member_a, group_a):
    log_in(client, member_a)

    response = client.post("/dashboard/profile/", {"name": "", "name_en": "", "kind": "x", "own_language": "th", "founded_year": "1066"})

    assert response.status_code == 200
    assert {"name", "name_en", "kind", "founded_year"} <= set(response.context["form"].errors)
    group_a.refresh_from_db()
    assert group_a.name_en == "Tha Sawang Silk Weavers"


def test_a_manager_invites_and_the_invitee_accepts(
    client, manager_a, group_a, mailoutbox, django_capture_on_commit_callbacks
):
    kanya = UserFactory(username="kanya", email="kanya@example.com")
    log_in(client, manager_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/dashboard/members/", {"invitee": "kanya", "role": "member"})
    assert response.status_code == 302
    invitation = ProducerInvitation.objects.get()
    assert mailoutbox[0].to == ["kanya@example.com"]

    # Someone else cannot open it; the invitee sees it on the dashboard and accepts.
    assert log_in(Client(), manager_a).get(f"/dashboard/invitations/{invitation.token}/").status_code == 404
    invitee = log_in(Client(), kanya)
    assert f"/dashboard/invitations/{invitation.token}/" in text(invitee.get("/dashboard/"))
    assert invitee.get(f"/dashboard/invitations/{invitation.token}/").status_code == 200
    assert invitee.post(f"/dashboard/invitations/{invitation.token}/", {"answer": "accept"}).status_code == 302

    assert ProducerMembership.objects.get(producer=group_a, user=kanya).role == "member"
    assert invitee.post(f"/dashboard/invitations/{invitation.token}/", {"answer": "accept"}).status_code == 404


def test_an_invitation_form_error_is_shown(client, manager_a, group_a):
    log_in(client, manager_a)

    response = client.post("/dashboard/members/", {"invitee": "nobody@", "role": "member"})

    assert response.status_code == 200
    assert "invitee" in response.context["form"].errors
    assert not ProducerInvitation.objects.exists()


def test_the_last_manager_is_told_they_cannot_leave(client, manager_a, group_a):
    log_in(client, manager_a)

    response = client.post("/dashboard/leave/", follow=True)

    assert "last manager" in unescaped(response)
    assert ProducerMembership.objects.filter(producer=group_a, user=manager_a).exists()


def test_a_member_leaves_the_group(client, member_a, group_a):
    log_in(client, member_a)

    response = client.post("/dashboard/leave/")

    assert response.status_code == 302
    assert not ProducerMembership.objects.filter(producer=group_a, user=member_a).exists()


def test_a_manager_promotes_and_removes_members(client, manager_a, member_a, group_a):
    malee = ProducerMembership.objects.get(producer=group_a, user=member_a)
    log_in(client, manager_a)

    client.post(f"/dashboard/members/{malee.pk}/", {"action": "manager"})
    malee.refresh_from_db()
    assert malee.role == "manager"
    client.post(f"/dashboard/members/{malee.pk}/", {"action": "remove"})
    assert not ProducerMembership.objects.filter(pk=malee.pk).exists()


def test_non_staff_get_403_on_verification(client, manager_a, group_a):
    group_a.state = Producer.State.PENDING
    group_a.save()
    log_in(client, manager_a)

    assert client.get("/staff/producers/").status_code == 403
    assert client.post(f"/staff/producers/{group_a.pk}/state/", {"to_state": "verified"}).status_code == 403
    group_a.refresh_from_db()
    assert group_a.state == Producer.State.PENDING


def test_staff_state_change_answers_with_a_message_on_the_queue(client, staff, group_a):
    log_in(client, staff)
    state = group_a.state

    too_long = client.post(f"/staff/producers/{group_a.pk}/state/", {"to_state": "suspended", "reason": "x" * 2000}, follow=True)
    unreasoned = client.post(f"/staff/producers/{group_a.pk}/state/", {"to_state": "suspended", "reason": ""}, follow=True)

    assert too_long.redirect_chain == [(f"/staff/producers/?state={state}", 302)]
    assert [str(m) for m in too_long.context["messages"]] == ["The reason is too long."]
    assert [str(m) for m in unreasoned.context["messages"]] == ["Say why the producer is suspended; they will see it."]
    assert client.get(f"/staff/producers/{group_a.pk}/state/").status_code == 405


def test_staff_state_changes_with_bad_input_never_fail(client, staff, group_a):
    log_in(client, staff)

    assert client.post(f"/staff/producers/{group_a.pk}/state/", {"to_state": "deleted"}).status_code == 302
    assert client.post(f"/staff/producers/{group_a.pk}/state/", {"to_state": "suspended", "reason": "x" * 2000}).status_code == 302
    assert client.post("/staff/producers/999999/state/", {"to_state": "verified"}).status_code == 404
    assert client.get("/staff/producers/?state=nonsense").status_code == 200
    group_a.refresh_from_db()
    assert group_a.state == Producer.State.VERIFIED


def test_changing_forms_need_a_csrf_token(manager_a, member_a, group_a):
    client = log_in(Client(enforce_csrf_checks=True), manager_a)
    malee = ProducerMembership.objects.get(producer=group_a, user=member_a)

    assert client.post(f"/dashboard/members/{malee.pk}/", {"action": "remove"}).status_code == 403
    assert client.post("/dashboard/payment/", {"promptpay_id": "0812345678"}).status_code == 403
    assert ProducerMembership.objects.filter(pk=malee.pk).exists()
    assert 'name="csrfmiddlewaretoken"' in text(client.get("/dashboard/members/"))


# --- the directory -------------------------------------------------------------------------------


@pytest.fixture
def directory(make_producer, tha_sawang, khon_kaen, oita, django_capture_on_commit_callbacks):
    """Three public producers in three provinces and two countries, and two hidden ones; their
    search documents are written, as on the site, once the saves commit."""
    with django_capture_on_commit_callbacks(execute=True):
        make_producer(name_en="Tha Sawang Silk Weavers", name="กลุ่มทอผ้าไหมท่าสว่าง", place=tha_sawang, kind="community_group")
        make_producer(name_en="Chonnabot Mudmee Group", place=tambon_of(khon_kaen), kind="cooperative")
        make_producer(name_en="Yufuin Bamboo Craft", name="湯布院竹細工", name_ja="湯布院竹細工", place=oita, kind="enterprise", own_language="ja")
        make_producer(name_en="Pending Weavers", place=tha_sawang, state="pending")
        make_producer(name_en="Suspended Weavers", place=tha_sawang, state="suspended")


ALL_PUBLIC = ["Chonnabot Mudmee Group", "Tha Sawang Silk Weavers", "Yufuin Bamboo Craft"]


def test_the_directory_lists_verified_producers_by_name(client, directory):
    response = client.get("/producers/")

    assert response.status_code == 200
    assert names_listed(response) == ALL_PUBLIC
    assert "Pending Weavers" not in text(response) and "Suspended Weavers" not in text(response)
    assert "3 producers" in text(response)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("country=TH", ["Chonnabot Mudmee Group", "Tha Sawang Silk Weavers"]),
        ("country=JP", ["Yufuin Bamboo Craft"]),
        ("country=VN", []),
        ("province=surin", ["Tha Sawang Silk Weavers"]),
        ("province=khon-kaen", ["Chonnabot Mudmee Group"]),
        ("country=JP&province=surin", []),
        ("kind=cooperative", ["Chonnabot Mudmee Group"]),
        ("kind=individual", []),
        ("q=mudmee", ["Chonnabot Mudmee Group"]),
        ("q=%E0%B8%97%E0%B9%88%E0%B8%B2%E0%B8%AA%E0%B8%A7%E0%B9%88%E0%B8%B2%E0%B8%87", ["Tha Sawang Silk Weavers"]),
        ("q=%E7%AB%B9%E7%B4%B0%E5%B7%A5", ["Yufuin Bamboo Craft"]),
        ("q=+++", ALL_PUBLIC),
        ("q=surin", ["Tha Sawang Silk Weavers"]),
        ("q=weavers", ["Tha Sawang Silk Weavers"]),
        ("sort=newest", ["Yufuin Bamboo Craft", "Chonnabot Mudmee Group", "Tha Sawang Silk Weavers"]),
        ("sort=name", ALL_PUBLIC),
        ("country=TH&sort=newest", ["Chonnabot Mudmee Group", "Tha Sawang Silk Weavers"]),
    ],
)
def test_the_directory_filters(client, directory, query, expected):
    response = client.get(f"/producers/?{query}")

    assert response.status_code == 200
    assert names_listed(response) == expected
    assert not response.context["filter"].errors
    if not expected:
        assert "No producer matches these filters." in text(response)


@pytest.mark.parametrize(
    ("query", "expected", "bad_field"),
    [
        ("country=XX", ALL_PUBLIC, "country"),
        ("province=nope", ALL_PUBLIC, "province"),
        ("kind=shop", ALL_PUBLIC, "kind"),
        ("sort=cheapest", ALL_PUBLIC, "sort"),
        ("q=" + "x" * 201, ALL_PUBLIC, "q"),
        ("country=JP&province=nope", ["Yufuin Bamboo Craft"], "province"),
        ("country=XX&province=surin", ["Tha Sawang Silk Weavers"], "country"),
    ],
)
def test_bad_filter_values_are_shown_and_ignored(client, directory, query, expected, bad_field):
    response = client.get(f"/producers/?{query}")

    assert response.status_code == 200
    assert bad_field in response.context["filter"].errors
    assert "Some filters were not understood and are ignored" in text(response)
    assert names_listed(response) == expected


@pytest.mark.parametrize("query", ["q=%00", "province=%00", "country=%00", "q=ok&kind=%00x"])
def test_nul_bytes_in_filters_get_a_clear_400(client, directory, query):
    response = client.get(f"/producers/?{query}")

    assert response.status_code == 400
    assert "We could not understand that request" in text(response)


@pytest.mark.parametrize(
    "query",
    ["page=abc", "page=", "page=-1", "page=0", "page=1.5", "page=9999", "page=99999999999999999999999",
     "country=TH&country=JP", "province[]=surin", "q=%FF%FE", "sort=newest&sort=name"],
)
def test_malformed_directory_requests_never_fail(client, directory, query):
    response = client.get(f"/producers/?{query}")

    assert response.status_code == 200


@pytest.fixture
def fifty_producers(make_producer):
    for number in range(50):
        make_producer(name_en=f"Group {number:02d}", slug=f"group-{number:02d}")


def test_the_directory_shows_24_producers_a_page(client, fifty_producers):
    first = client.get("/producers/")
    third = client.get("/producers/?page=3")

    assert len(first.context["producers"]) == DIRECTORY_PAGE_SIZE == 24
    assert names_listed(first)[0] == "Group 00" and names_listed(first)[-1] == "Group 23"
    assert names_listed(third) == ["Group 48", "Group 49"]
    assert "Page 1 of 3" in text(first)
    assert 'rel="next" href="?page=2"' in text(first)


@pytest.mark.parametrize("page", ["9999", "4", "0", "-3"])
def test_a_page_past_the_end_shows_the_last_page(client, fifty_producers, page):
    response = client.get(f"/producers/?page={page}")

    assert response.status_code == 200
    assert response.context["page_obj"].number == 3
    assert names_listed(response) == ["Group 48", "Group 49"]


def test_pagination_links_keep_the_filters(client, fifty_producers):
    response = client.get("/producers/?country=TH&sort=name&page=2")

    assert "?country=TH&amp;sort=name&amp;page=3" in text(response)
    assert "?country=TH&amp;sort=name&amp;page=1" in text(response)


def test_the_directory_answers_in_thai_and_japanese(client, directory):
    thai = client.get("/th/producers/?province=surin")
    japanese = client.get("/ja/producers/?country=JP")

    assert thai.status_code == japanese.status_code == 200
    assert "กลุ่มทอผ้าไหมท่าสว่าง" in text(thai), "the own-language name for a Thai visitor"
    assert "湯布院竹細工" in text(japanese)


# --- query counts --------------------------------------------------------------------------------


def test_directory_queries_do_not_grow_with_the_producers_shown(client, make_producer, django_assert_max_num_queries):
    provinces = list(Place.objects.filter(country="TH", level="province").order_by("code")[:8])
    for number in range(5):
        make_producer(name_en=f"Group {number:02d}", place=tambon_of(provinces[number % 8], number))
    with_five = page_queries(client, "/producers/")

    for number in range(5, 40):
        make_producer(name_en=f"Group {number:02d}", place=tambon_of(provinces[number % 8], number))
    with_forty = page_queries(client, "/producers/")

    assert len(client.get("/producers/").context["producers"]) == 24
    assert with_five == with_forty
    with django_assert_max_num_queries(8):
        client.get("/producers/?country=TH&sort=newest&page=2")


def test_profile_queries_do_not_grow_with_photos_and_members(client, make_producer, django_assert_max_num_queries):
    small = make_producer(name_en="Small Group", slug="small-group", logo="producers/logos/small.jpg")
    ProducerPhotoFactory(producer=small)
    ProducerMembership.objects.create(producer=small, user=UserFactory(), role="manager")
    big = make_producer(name_en="Big Group", slug="big-group", logo="producers/logos/big.jpg")
    for _number in range(10):
        ProducerPhotoFactory(producer=big)
        ProducerMembership.objects.create(producer=big, user=UserFactory(), role="member")

    assert page_queries(client, "/producers/small-group/") == page_queries(client, "/producers/big-group/")
    with django_assert_max_num_queries(8):
        response = client.get("/producers/big-group/")
    assert len(response.context["photos"]) == 10 and len(response.context["member_names"]) == 10


# --- the profile page ----------------------------------------------------------------------------


def jsonld_blocks(response) -> list[dict]:
    return [json.loads(block) for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', text(response), re.S)]


def test_the_profile_carries_open_graph_tags_and_organization_json_ld(client, group_a, surin):
    Producer.objects.filter(pk=group_a.pk).update(
        founded_year=1998, story_en="We weave pha yok silk.", logo="producers/logos/weavers.jpg", contact_email="w@example.com"
    )

    response = client.get("/producers/tha-sawang-silk/")

    page = text(response)
    assert '<meta property="og:title" content="Tha Sawang Silk Weavers">' in page
    assert '<meta property="og:type" content="profile">' in page
    assert '<meta property="og:url" content="http://testserver/producers/tha-sawang-silk/">' in page
    assert '<meta property="og:description" content="We weave pha yok silk.">' in page
    assert '<meta property="og:image" content="http://testserver/media/producers/logos/weavers__square.jpg">' in page
    (data,) = jsonld_blocks(response)
    assert data["@context"] == "https://schema.org" and data["@type"] == "Organization"
    assert data["name"] == "Tha Sawang Silk Weavers"
    assert data["url"] == "http://testserver/producers/tha-sawang-silk/"
    assert data["foundingDate"] == "1998"
    assert data["address"]["addressRegion"] == "Surin" and data["address"]["addressCountry"] == "TH"
    assert data["logo"].endswith("/media/producers/logos/weavers__square.jpg")
    assert group_a.name in data["alternateName"]


def test_the_profile_shows_members_by_first_name_only(client, group_a, manager_a, member_a):
    ProducerMembership.objects.create(producer=group_a, user=UserFactory(username="nameless", first_name=""))

    response = client.get("/producers/tha-sawang-silk/")

    page = text(response)
    assert "Somsri" in page and "Malee" in page
    for private in ("somsri@example.com", "malee@example.com", "nameless", ">somsri<", ">malee<"):
        assert private not in page
    assert response.context["member_names"] == ["Somsri", "Malee"]


def test_user_written_text_is_escaped_everywhere_on_the_profile(client, group_a):
    attack = '</script><script>alert("x")</script><img src=x onerror=alert(1)>'
    Producer.objects.filter(pk=group_a.pk).update(
        name_en=f"Weavers {attack}", story_en=f"Our story {attack}", line_id=attack, website="https://example.com/?a=<b>"
    )
    ProducerPhotoFactory(producer=group_a, caption=attack)

    response = client.get("/producers/tha-sawang-silk/")

    page = text(response)
    assert response.status_code == 200
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    (data,) = jsonld_blocks(response)
    assert attack in data["description"], "the JSON-LD still says what was written, safely encoded"
    listing = text(client.get("/producers/"))
    assert "<script>alert" not in listing and "&lt;script&gt;" in listing


def test_an_unknown_profile_is_a_styled_404_in_the_visitors_language(client, db):
    response = client.get("/producers/no-such-group/")
    thai = client.get("/th/producers/no-such-group/")

    assert response.status_code == 404 and thai.status_code == 404
    assert "We could not find that page" in text(response)
    assert 'lang="th"' in text(thai)


def test_the_profile_answers_in_each_language(client, group_a):
    for prefix in ("", "/th", "/ja"):
        assert client.get(f"{prefix}/producers/tha-sawang-silk/").status_code == 200
    assert group_a.name in text(client.get("/th/producers/tha-sawang-silk/"))


def test_the_sitemap_lists_only_verified_producers(client, make_producer, tha_sawang):
    make_producer(name_en="Shown", slug="shown-group", place=tha_sawang)
    make_producer(name_en="Waiting", slug="waiting-group", place=tha_sawang, state="pending")
    make_producer(name_en="Stopped", slug="stopped-group", place=tha_sawang, state="suspended")

    index = text(client.get("/sitemap.xml"))
    producers_map = re.search(r"<loc>http://testserver(/[^<]*producers[^<]*)</loc>", index)
    sitemap = text(client.get(producers_map.group(1))) if producers_map else index

    assert "/producers/shown-group/" in sitemap
    assert "waiting-group" not in sitemap and "stopped-group" not in sitemap


@pytest.mark.parametrize("url", ["/dashboard/photos/logo/", "/dashboard/switch/", "/dashboard/leave/", "/dashboard/members/1/"])
def test_dashboard_post_only_urls_answer_a_get_without_failing(client, manager_a, group_a, url):
    log_in(client, manager_a)

    response = client.get(url)

    assert response.status_code in (200, 302, 404, 405)


def test_two_groups_naming_their_villages_in_thai_keep_their_own_villages(client, surin, tha_sawang):
    for username, village in (("first", "บ้านท่าสว่าง"), ("second", "บ้านโคกสะอาด")):
        registrant = log_in(Client(), UserFactory(username=username))
        registrant.post("/dashboard/register/", STEP_ONE | {"name_en": f"Group of {username}", "province": surin.pk})
        registrant.post("/dashboard/register/place/", {"tambon": tha_sawang.pk, "village": village})

    second = Producer.objects.get(name_en="Group of second")
    assert second.place.name_en == "บ้านโคกสะอาด"


# --- the verification queue, the profile page, the directory and registration, in detail ---------


def test_each_producer_in_the_verification_queue_has_its_own_reason_box(client, staff, make_producer, tha_sawang):
    waiting = [make_producer(name_en=f"Waiting {n}", place=tha_sawang, state="pending") for n in range(3)]
    log_in(client, staff)

    page = text(client.get("/staff/producers/"))

    ids = re.findall(r'<textarea[^>]* id="([^"]+)"', page)
    assert len(ids) == len(set(ids)) == 3, "one box each, and no id twice"
    for producer, box_id in zip(waiting, ids, strict=True):
        assert f'<label for="{box_id}">' in page
        assert str(producer.pk) in box_id


def test_the_reason_typed_in_the_queue_is_recorded(client, staff, make_producer, tha_sawang):
    producer = make_producer(name_en="Waiting", place=tha_sawang, state="pending")
    log_in(client, staff)

    client.post(f"/staff/producers/{producer.pk}/state/", {"to_state": "suspended", "reason": "No such village."})

    assert producer.state_changes.get().note == "No such village."


def test_the_profile_names_its_page_without_the_query_string(client, group_a):
    response = client.get("/producers/tha-sawang-silk/?utm_source=line&x=<b>")

    assert '<meta property="og:url" content="http://testserver/producers/tha-sawang-silk/">' in text(response)


def test_the_json_ld_lists_other_names_in_a_fixed_order(client, group_a):
    Producer.objects.filter(pk=group_a.pk).update(name="กลุ่มทอผ้า", name_ja="タサワン織物")

    (data,) = jsonld_blocks(client.get("/producers/tha-sawang-silk/"))
    (thai_page,) = jsonld_blocks(client.get("/th/producers/tha-sawang-silk/"))

    assert data["alternateName"] == ["กลุ่มทอผ้า", "タサワン織物"]
    assert thai_page["name"] == "กลุ่มทอผ้า" and thai_page["alternateName"] == ["Tha Sawang Silk Weavers", "タサワン織物"]


def test_the_directory_filters_fold_on_phones_unless_a_filter_was_refused(client, directory):
    plain = text(client.get("/producers/"))
    refused = text(client.get("/producers/?country=XX"))

    assert "producers/directory.js" in plain
    assert re.search(r"<details[^>]* data-directory-filters>", plain), "folded by the script on phones"
    assert re.search(r"<details[^>]* data-directory-filters data-has-errors>", refused), "kept open to show the error"


def test_registration_offers_thailands_provinces_first(client, plain_user, places):
    log_in(client, plain_user)

    page = text(client.get("/dashboard/register/"))

    groups = re.findall(r'<optgroup label="([^"]+)">', page)
    assert groups[0] == "Thailand"
    assert set(groups) == {"Thailand", "Japan", "Cambodia", "Lao PDR", "Myanmar", "Vietnam"}
