"""The producer services against the real database: registration, verification, membership, payment."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from places.models import Place
from producers import services
from producers.models import Producer, ProducerInvitation, ProducerMembership, ProducerPhoto, ProducerStateChange
from tests.factories import TEST_PASSWORD, UserFactory, settle, tambon_of
from tests.producers import imagefiles

REGISTRATION = {
    "name": "กลุ่มทอผ้าไหมบ้านท่าสว่าง",
    "name_en": "Ban Tha Sawang Silk Weavers",
    "kind": Producer.Kind.COMMUNITY_GROUP,
    "own_language": "th",
}


def membership(producer, user) -> ProducerMembership:
    return ProducerMembership.objects.get(producer=producer, user=user)


# --- registration --------------------------------------------------------------------------------


def test_producer_register_starts_pending_with_the_creator_as_manager(plain_user, tha_sawang, surin):
    producer = services.producer_register(user=plain_user, place=tha_sawang, **REGISTRATION)

    producer.refresh_from_db()
    assert producer.state == Producer.State.PENDING
    assert not producer.is_public
    assert producer.slug == "ban-tha-sawang-silk-weavers"
    assert producer.province == surin and producer.country == "TH" and producer.currency == "THB"
    assert membership(producer, plain_user).role == ProducerMembership.Role.MANAGER
    change = producer.state_changes.get()
    assert (change.from_state, change.to_state, change.by) == ("", Producer.State.PENDING, plain_user)


def test_producer_register_in_a_japanese_prefecture_takes_its_country(plain_user, oita):
    producer = services.producer_register(
        user=plain_user, place=oita, name="ゆふいん竹細工の会", name_en="Yufuin Bamboo Craft", kind="cooperative", own_language="ja"
    )

    assert producer.province == oita and producer.country == "JP" and producer.currency == "JPY"


def test_producer_register_gives_each_producer_its_own_slug(plain_user, tha_sawang):
    first = services.producer_register(user=plain_user, place=tha_sawang, **REGISTRATION)
    second = services.producer_register(user=UserFactory(), place=tha_sawang, **REGISTRATION)

    assert first.slug == "ban-tha-sawang-silk-weavers"
    assert second.slug == "ban-tha-sawang-silk-weavers-2"


def test_producer_register_saves_nothing_for_invalid_fields(plain_user, tha_sawang):
    with pytest.raises(ValidationError) as error:
        services.producer_register(user=plain_user, place=tha_sawang, founded_year=1700, contact_phone="call me", **REGISTRATION)

    assert {"founded_year", "contact_phone"} <= set(error.value.message_dict)
    assert not Producer.objects.exists()
    assert not ProducerMembership.objects.exists()
    assert not ProducerStateChange.objects.exists()


@pytest.mark.parametrize("level", ["country", "region"])
def test_producer_register_needs_a_place_inside_a_province(plain_user, places, level):
    place = Place.objects.filter(country="TH", level=level).first()

    with pytest.raises(ValidationError) as error:
        services.producer_register(user=plain_user, place=place, **REGISTRATION)

    assert "place" in error.value.message_dict
    assert not Producer.objects.exists()


def test_producer_update_profile_moves_the_province_with_the_place(group_a, khon_kaen):
    services.producer_update_profile(producer=group_a, place=tambon_of(khon_kaen), story_en="We moved.")

    group_a.refresh_from_db()
    assert group_a.province == khon_kaen and group_a.story_en == "We moved."


def test_producer_update_profile_refuses_fields_outside_the_profile(group_a):
    with pytest.raises(ValueError):
        services.producer_update_profile(producer=group_a, state="verified")

    group_a.refresh_from_db()
    assert group_a.state == Producer.State.VERIFIED


# --- verification --------------------------------------------------------------------------------


def test_staff_verify_a_producer_and_the_history_says_who_when_and_why(staff, plain_user, tha_sawang):
    producer = services.producer_register(user=plain_user, place=tha_sawang, **REGISTRATION)

    services.producer_verify(producer=producer, by=staff, reason="Visited the looms.")

    producer.refresh_from_db()
    assert producer.state == Producer.State.VERIFIED
    latest = producer.state_changes.first()
    assert (latest.from_state, latest.to_state) == (Producer.State.PENDING, Producer.State.VERIFIED)
    assert latest.by == staff and latest.note == "Visited the looms."
    assert latest.at is not None
    assert producer.state_changes.count() == 2


def test_only_staff_can_verify(member_a, manager_a, group_a):
    group_a.state = Producer.State.PENDING
    group_a.save()

    for user in (member_a, manager_a):
        with pytest.raises(PermissionDenied):
            services.producer_verify(producer=group_a, by=user)

    group_a.refresh_from_db()
    assert group_a.state == Producer.State.PENDING
    assert not group_a.state_changes.exists()


@pytest.mark.parametrize("reason", ["", "   "])
def test_suspending_needs_a_reason(staff, group_a, reason):
    with pytest.raises(ValidationError) as error:
        services.producer_suspend(producer=group_a, by=staff, reason=reason)

    assert "reason" in error.value.message_dict
    group_a.refresh_from_db()
    assert group_a.state == Producer.State.VERIFIED
    assert not group_a.state_changes.exists()


def test_suspension_and_reinstatement_are_both_recorded(staff, group_a):
    services.producer_suspend(producer=group_a, by=staff, reason="Sold fake silk.")
    services.producer_verify(producer=group_a, by=staff, reason="Checked again.")

    history = list(group_a.state_changes.values_list("from_state", "to_state", "note"))
    assert history == [("suspended", "verified", "Checked again."), ("verified", "suspended", "Sold fake silk.")]


def test_setting_the_same_state_again_records_nothing(staff, group_a):
    services.producer_verify(producer=group_a, by=staff)

    assert not group_a.state_changes.exists()


def test_an_unknown_state_is_refused(staff, group_a):
    with pytest.raises(ValidationError):
        services.producer_set_state(producer=group_a, to_state="deleted", by=staff)


# --- membership ----------------------------------------------------------------------------------


def test_manager_invites_an_existing_account_by_user_name(
    manager_a, group_a, mailoutbox, django_capture_on_commit_callbacks
):
    invitee = UserFactory(username="kanya", email="kanya@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.membership_invite(producer=group_a, by=manager_a, invitee="Kanya")

    assert invitation.user == invitee and invitation.email == "" and invitation.invited_by == manager_a
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["kanya@example.com"]
    assert f"/dashboard/invitations/{invitation.token}/" in mailoutbox[0].body
    assert group_a.name_en in mailoutbox[0].subject


def test_manager_invites_an_unknown_person_by_e_mail(manager_a, group_a, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.membership_invite(producer=group_a, by=manager_a, invitee=" Noi@Example.com ", role="manager")

    assert invitation.user is None and invitation.email == "Noi@Example.com" and invitation.role == "manager"
    assert [message.to for message in mailoutbox] == [["Noi@Example.com"]]
    assert invitation.token in mailoutbox[0].body


def test_the_invitation_e_mail_waits_for_the_commit(manager_a, group_a, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.membership_invite(producer=group_a, by=manager_a, invitee="later@example.com")

    assert mailoutbox == []
    assert len(callbacks) == 1


def test_an_invitation_by_e_mail_is_addressed_to_the_address_and_its_confirmed_account_sees_it(manager_a, group_a):
    invitee = UserFactory(username="kanya", email="kanya@example.com")

    invitation = services.membership_invite(producer=group_a, by=manager_a, invitee="KANYA@example.com")

    assert invitation.user is None and invitation.email == "KANYA@example.com"
    assert list(services.invitations_for(invitee)) == [invitation]


def test_a_plain_member_cannot_invite(member_a, group_a, mailoutbox):
    with pytest.raises(PermissionDenied):
        services.membership_invite(producer=group_a, by=member_a, invitee="someone@example.com")

    assert not ProducerInvitation.objects.exists()
    assert mailoutbox == []


def test_a_manager_of_another_group_cannot_invite(manager_b, group_a):
    with pytest.raises(PermissionDenied):
        services.membership_invite(producer=group_a, by=manager_b, invitee="someone@example.com")


@pytest.mark.parametrize("invitee", ["malee", "not-an@address", "two@@example.com"])
def test_invite_refuses_members_and_malformed_addresses(manager_a, member_a, group_a, invitee):
    with pytest.raises(ValidationError) as error:
        services.membership_invite(producer=group_a, by=manager_a, invitee=invitee)

    assert "invitee" in error.value.message_dict
    assert not ProducerInvitation.objects.exists()


def test_invite_by_an_unknown_user_name_invites_nobody_without_saying_so(manager_a, group_a, mailoutbox):
    assert services.membership_invite(producer=group_a, by=manager_a, invitee="nobody-by-this-name") is None

    assert not ProducerInvitation.objects.exists()
    assert mailoutbox == []


def test_invite_refuses_a_second_open_invitation(manager_a, group_a):
    UserFactory(username="kanya", email="kanya@example.com")
    services.membership_invite(producer=group_a, by=manager_a, invitee="kanya")

    services.membership_invite(producer=group_a, by=manager_a, invitee="noi@example.com")

    for again in ("kanya", "KANYA", "Noi@Example.com"):
        with pytest.raises(ValidationError):
            services.membership_invite(producer=group_a, by=manager_a, invitee=again)

    assert ProducerInvitation.objects.count() == 2


def test_invite_refuses_an_unknown_role(manager_a, group_a):
    with pytest.raises(ValidationError):
        services.membership_invite(producer=group_a, by=manager_a, invitee="x@example.com", role="owner")


def test_accepting_an_invitation_makes_a_member_with_the_invited_role(manager_a, group_a):
    invitee = UserFactory(username="kanya")
    invitation = services.membership_invite(producer=group_a, by=manager_a, invitee="kanya", role="manager")

    created = services.invitation_answer(invitation=invitation, user=invitee, accept=True)

    assert created == membership(group_a, invitee) and created.role == "manager"
    invitation.refresh_from_db()
    assert invitation.accepted is True and invitation.answered_at is not None
    assert not services.invitations_for(invitee).exists()


def test_an_e_mail_invitation_is_answered_by_the_account_made_later_with_that_address(manager_a, group_a):
    invitation = services.membership_invite(producer=group_a, by=manager_a, invitee="noi@example.com")
    newcomer = UserFactory(username="noi", email="NOI@example.com")

    assert list(services.invitations_for(newcomer)) == [invitation]
    services.invitation_answer(invitation=invitation, user=newcomer, accept=True)

    assert membership(group_a, newcomer).role == "member"


def test_declining_an_invitation_makes_no_member(manager_a, group_a):
    invitee = UserFactory(username="kanya")
    invitation = services.membership_invite(producer=group_a, by=manager_a, invitee="kanya")

    assert services.invitation_answer(invitation=invitation, user=invitee, accept=False) is None

    invitation.refresh_from_db()
    assert invitation.accepted is False
    assert not ProducerMembership.objects.filter(user=invitee).exists()


def test_an_invitation_cannot_be_answered_by_someone_else_nor_twice(manager_a, group_a, plain_user):
    invitee = UserFactory(username="kanya")
    invitation = services.membership_invite(producer=group_a, by=manager_a, invitee="kanya")

    with pytest.raises(PermissionDenied):
        services.invitation_answer(invitation=invitation, user=plain_user, accept=True)
    services.invitation_answer(invitation=invitation, user=invitee, accept=False)
    with pytest.raises(PermissionDenied):
        services.invitation_answer(invitation=invitation, user=invitee, accept=True)

    assert not ProducerMembership.objects.filter(user__in=[plain_user, invitee]).exists()


def test_the_last_manager_cannot_leave(manager_a, member_a, group_a):
    with pytest.raises(ValidationError):
        services.membership_leave(producer=group_a, user=manager_a)

    assert membership(group_a, manager_a).role == "manager"


def test_a_member_can_leave(manager_a, member_a, group_a):
    services.membership_leave(producer=group_a, user=member_a)

    assert not ProducerMembership.objects.filter(producer=group_a, user=member_a).exists()


def test_a_manager_can_leave_when_another_manager_stays(manager_a, member_a, group_a):
    services.membership_set_role(
        producer=group_a, by=manager_a, membership_id=membership(group_a, member_a).pk, role="manager"
    )

    services.membership_leave(producer=group_a, user=manager_a)

    assert list(group_a.memberships.values_list("user__username", "role")) == [("malee", "manager")]


def test_leaving_a_group_one_is_not_in_is_refused(manager_b, group_a):
    with pytest.raises(ValidationError):
        services.membership_leave(producer=group_a, user=manager_b)


def test_a_manager_removes_a_member(manager_a, member_a, group_a):
    services.membership_remove(producer=group_a, by=manager_a, membership_id=membership(group_a, member_a).pk)

    assert list(group_a.memberships.values_list("user__username", flat=True)) == ["somsri"]


def test_a_plain_member_cannot_remove_anyone(manager_a, member_a, group_a):
    with pytest.raises(PermissionDenied):
        services.membership_remove(producer=group_a, by=member_a, membership_id=membership(group_a, manager_a).pk)

    assert group_a.memberships.count() == 2


def test_the_last_manager_cannot_be_removed(manager_a, group_a):
    with pytest.raises(ValidationError):
        services.membership_remove(producer=group_a, by=manager_a, membership_id=membership(group_a, manager_a).pk)

    assert group_a.memberships.count() == 1


def test_a_manager_cannot_remove_a_member_of_another_group(manager_a, group_a, manager_b, group_b):
    with pytest.raises(ValidationError):
        services.membership_remove(producer=group_a, by=manager_a, membership_id=membership(group_b, manager_b).pk)

    assert membership(group_b, manager_b)


def test_a_manager_of_another_group_cannot_remove_members(manager_a, member_a, group_a, manager_b):
    with pytest.raises(PermissionDenied):
        services.membership_remove(producer=group_a, by=manager_b, membership_id=membership(group_a, member_a).pk)


def test_set_role_promotes_and_demotes_but_keeps_one_manager(manager_a, member_a, group_a):
    malee = membership(group_a, member_a)
    services.membership_set_role(producer=group_a, by=manager_a, membership_id=malee.pk, role="manager")
    services.membership_set_role(producer=group_a, by=manager_a, membership_id=malee.pk, role="member")
    assert membership(group_a, member_a).role == "member"

    with pytest.raises(ValidationError):
        services.membership_set_role(
            producer=group_a, by=manager_a, membership_id=membership(group_a, manager_a).pk, role="member"
        )
    assert membership(group_a, manager_a).role == "manager"


def test_set_role_is_for_managers_only_and_known_roles(manager_a, member_a, group_a):
    own = membership(group_a, member_a)
    with pytest.raises(PermissionDenied):
        services.membership_set_role(producer=group_a, by=member_a, membership_id=own.pk, role="manager")
    with pytest.raises(ValidationError):
        services.membership_set_role(producer=group_a, by=manager_a, membership_id=own.pk, role="owner")

    assert membership(group_a, member_a).role == "member"


def test_one_person_is_a_member_of_a_group_at_most_once(manager_a, group_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        ProducerMembership.objects.create(producer=group_a, user=manager_a, role="member")


# --- payment details -----------------------------------------------------------------------------


@pytest.mark.parametrize("promptpay_id", ["0812345678", "1234567890123", ""])
def test_a_manager_sets_the_payment_details(manager_a, group_a, promptpay_id):
    settle(group_a)
    services.producer_update_payment(
        producer=group_a,
        by=manager_a,
        password=TEST_PASSWORD,
        bank_name="Krungthai",
        bank_account_name="Tha Sawang Silk Weavers",
        bank_account_number="123-4-56789-0",
        promptpay_id=promptpay_id,
    )

    group_a.refresh_from_db()
    assert (group_a.bank_name, group_a.promptpay_id) == ("Krungthai", promptpay_id)


@pytest.mark.parametrize("promptpay_id", ["12345", "081234567", "+66812345678", "08123456789", "abcdefghij"])
def test_a_promptpay_id_must_be_a_mobile_number_or_an_id(manager_a, group_a, promptpay_id):
    with pytest.raises(ValidationError) as error:
        services.producer_update_payment(producer=group_a, by=manager_a, promptpay_id=promptpay_id, password=TEST_PASSWORD)

    assert "promptpay_id" in error.value.message_dict
    group_a.refresh_from_db()
    assert group_a.promptpay_id == ""


def test_a_bank_account_number_must_be_digits(manager_a, group_a):
    with pytest.raises(ValidationError) as error:
        services.producer_update_payment(producer=group_a, by=manager_a, bank_account_number="12<script>", password=TEST_PASSWORD)

    assert "bank_account_number" in error.value.message_dict


def test_a_plain_member_cannot_change_the_payment_details(member_a, group_a):
    with pytest.raises(PermissionDenied):
        services.producer_update_payment(producer=group_a, by=member_a, promptpay_id="0812345678", password=TEST_PASSWORD)

    group_a.refresh_from_db()
    assert group_a.promptpay_id == ""


def test_a_manager_of_another_group_cannot_change_the_payment_details(manager_b, group_a):
    with pytest.raises(PermissionDenied):
        services.producer_update_payment(producer=group_a, by=manager_b, promptpay_id="0812345678", password=TEST_PASSWORD)


def test_update_payment_refuses_other_fields(manager_a, group_a):
    with pytest.raises(ValueError):
        services.producer_update_payment(producer=group_a, by=manager_a, state="verified", password=TEST_PASSWORD)


# --- logo and photos -----------------------------------------------------------------------------


def test_add_photo_stores_a_cleaned_image_at_the_end_of_the_gallery(group_a):
    first = services.producer_add_photo(producer=group_a, upload=imagefiles.good_jpeg(), caption=" Dyeing ")
    second = services.producer_add_photo(producer=group_a, upload=imagefiles.png_named_txt())

    assert first.caption == "Dyeing"
    assert second.position > first.position
    assert second.image.name.endswith(".jpg")
    assert list(group_a.photos.all()) == [first, second]


def test_a_gallery_holds_at_most_twelve_photos(group_a):
    for number in range(services.MAX_PHOTOS):
        ProducerPhoto.objects.create(producer=group_a, image=f"producers/photos/p{number}.jpg", position=number)

    with pytest.raises(ValidationError):
        services.producer_add_photo(producer=group_a, upload=imagefiles.good_jpeg())

    assert group_a.photos.count() == services.MAX_PHOTOS


@pytest.mark.parametrize("bad_upload", list(imagefiles.BAD_UPLOADS))
def test_a_bad_photo_saves_nothing(group_a, media_root, bad_upload):
    make_file, _message = imagefiles.BAD_UPLOADS[bad_upload]

    with pytest.raises(ValidationError):
        services.producer_add_photo(producer=group_a, upload=make_file())

    assert not group_a.photos.exists()
    assert not [path for path in media_root.rglob("*") if path.is_file()]


def test_set_logo_replaces_the_old_logo_and_its_files(group_a, media_root, django_capture_on_commit_callbacks):
    # The thumbnails are made by a task once the upload commits (here in the test's process).
    with django_capture_on_commit_callbacks(execute=True):
        services.producer_set_logo(producer=group_a, upload=imagefiles.good_jpeg())
    old = group_a.logo.name

    with django_capture_on_commit_callbacks(execute=True):
        services.producer_set_logo(producer=group_a, upload=imagefiles.good_jpeg())

    group_a.refresh_from_db()
    assert group_a.logo.name != old and group_a.logo.name.startswith("producers/logos/")
    files = sorted(path.name for path in media_root.rglob("*") if path.is_file())
    assert len(files) == 4 and all(name.startswith(group_a.logo.name.rsplit("/", 1)[1][:-4]) for name in files)


def test_delete_photo_removes_the_row_and_its_files(group_a, media_root):
    photo = services.producer_add_photo(producer=group_a, upload=imagefiles.good_jpeg())

    services.producer_delete_photo(producer=group_a, photo_id=photo.pk)

    assert not group_a.photos.exists()
    assert not [path for path in media_root.rglob("*") if path.is_file()]


def test_delete_photo_refuses_another_groups_photo(group_a, group_b):
    photo = services.producer_add_photo(producer=group_b, upload=imagefiles.good_jpeg())

    with pytest.raises(ValidationError):
        services.producer_delete_photo(producer=group_a, photo_id=photo.pk)

    assert group_b.photos.get() == photo
