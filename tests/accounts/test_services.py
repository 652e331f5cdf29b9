"""Account services: registration, profile changes, roles."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from accounts.selectors import Roles, user_roles
from accounts.services import user_register, user_update_profile
from tests.factories import UserFactory

GOOD_PASSWORD = "Khon-Kaen-silk-2026"


# --- user_register ----------------------------------------------------------------------------


def test_user_register_creates_an_unconfirmed_account_with_a_hashed_password(db, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        user = user_register(username="  somchai ", email=" somchai@example.com ", password=GOOD_PASSWORD, language="th")

    user.refresh_from_db()
    assert user.email_verified_at is None and not user.email_verified
    assert [message.to for message in mailoutbox] == [["somchai@example.com"]]
    assert user.username == "somchai"
    assert user.email == "somchai@example.com"
    assert user.language == "th"
    assert user.password != GOOD_PASSWORD
    assert user.check_password(GOOD_PASSWORD)
    assert user.is_active and not user.is_staff


def test_user_register_refuses_a_user_name_taken_in_another_case(db):
    UserFactory(username="somchai")

    with pytest.raises(ValidationError) as refused:
        user_register(username="SomChai", email="other@example.com", password=GOOD_PASSWORD)

    assert refused.value.message_dict == {"username": ["This user name is taken."]}
    assert User.objects.filter(username__iexact="somchai").count() == 1


def test_user_register_with_a_confirmed_address_sends_no_link_and_tells_its_owner(
    db, mailoutbox, django_capture_on_commit_callbacks
):
    owner = UserFactory(username="somchai", email="somchai@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        made = user_register(username="somchai2", email="SOMCHAI@Example.COM", password=GOOD_PASSWORD)

    # The account is made (its user name is then taken, as after any sign-up) but cannot have
    # the address: no link went out, and the owner keeps it.
    made.refresh_from_db()
    assert made.username == "somchai2" and not made.email_verified
    owner.refresh_from_db()
    assert owner.email_verified
    assert list(User.objects.with_verified_email("somchai@example.com")) == [owner]
    assert [message.to for message in mailoutbox] == [["somchai@example.com"]]
    assert "Someone tried to create a new OTOP Marketplace account with this e-mail address" in mailoutbox[0].body
    assert "/accounts/password/reset/" in mailoutbox[0].body


def test_user_register_with_an_address_only_claimed_unconfirmed_makes_the_account(db):
    UserFactory(username="squatter", email="somchai@example.com", email_verified_at=None)

    user = user_register(username="somchai", email="somchai@example.com", password=GOOD_PASSWORD)

    assert user is not None and user.email == "somchai@example.com" and user.email_verified_at is None


@pytest.mark.parametrize(
    ("password", "complaint"),
    [
        ("short1", "too short"),
        ("password123", "too common"),
        ("8405938471203", "entirely numeric"),
        ("kanyarat-kanyarat", "too similar"),
    ],
)
def test_user_register_refuses_a_weak_password(db, password, complaint):
    with pytest.raises(ValidationError) as refused:
        user_register(username="kanyarat-kanyarat", email="kanyarat@example.com", password=password)

    messages = refused.value.message_dict["password1"]
    assert any(complaint in message for message in messages), messages
    assert not User.objects.filter(username="kanyarat-kanyarat").exists()


def test_user_register_reports_every_problem_at_once(db):
    UserFactory(username="somchai", email="somchai@example.com")

    with pytest.raises(ValidationError) as refused:
        user_register(username="SOMCHAI", email="Somchai@example.com", password="123")

    assert set(refused.value.message_dict) == {"username", "password1"}, "the e-mail address is never said to be taken"


def test_user_register_refuses_a_malformed_email(db):
    with pytest.raises(ValidationError) as refused:
        user_register(username="malee", email="not-an-address", password=GOOD_PASSWORD)

    assert "email" in refused.value.message_dict
    assert not User.objects.filter(username="malee").exists()


def test_database_refuses_user_names_differing_only_in_case(db):
    UserFactory(username="somchai")

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="SOMCHAI", email="x@example.com")


def test_database_refuses_two_confirmed_emails_differing_only_in_case(db):
    UserFactory(username="somchai", email="somchai@example.com")

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="other", email="SomChai@Example.com", email_verified_at=timezone.now())


def test_database_allows_an_address_unconfirmed_on_several_accounts(db):
    UserFactory(username="somchai", email="somchai@example.com")
    User.objects.create(username="other", email="SomChai@Example.com")
    User.objects.create(username="third", email="somchai@example.com")

    assert User.objects.filter(email__iexact="somchai@example.com").count() == 3


def test_database_allows_several_accounts_without_an_email(db):
    User.objects.create(username="first", email="")
    User.objects.create(username="second", email="")

    assert User.objects.filter(email="").count() == 2


# --- login lookup ------------------------------------------------------------------------------


@pytest.mark.parametrize("login", ["somchai", "SOMCHAI", " Somchai ", "somchai@example.com", "SomChai@EXAMPLE.com"])
def test_by_login_finds_the_account_by_user_name_or_email_in_any_case(db, login):
    user = UserFactory(username="somchai", email="somchai@example.com")
    UserFactory(username="somchai.k", email="other@example.com")

    assert list(User.objects.by_login(login)) == [user]


def test_by_login_does_not_find_an_unconfirmed_address(db):
    UserFactory(username="squatter", email="somchai@example.com", email_verified_at=None)

    assert not User.objects.by_login("somchai@example.com").exists()
    assert User.objects.by_login("squatter").exists()


def test_by_login_finds_an_older_user_name_with_an_at_sign_after_a_confirmed_address(db):
    owner = UserFactory(username="malee", email="malee@example.com")
    older = User.objects.create(username="noi@example.com", email="noi@mail.example")
    twin = User.objects.create(username="malee@example.com")

    assert list(User.objects.by_login("noi@example.com")) == [older]
    assert list(User.objects.by_login("MALEE@example.com")) == [owner, twin]


# --- user_update_profile ----------------------------------------------------------------------


def test_user_update_profile_saves_names_and_language_and_keeps_a_new_email_waiting(
    db, mailoutbox, django_capture_on_commit_callbacks
):
    user = UserFactory(username="malee", email="malee@example.com", language="en")

    with django_capture_on_commit_callbacks(execute=True):
        waiting = user_update_profile(user=user, first_name=" Malee ", last_name="Srisuk", email="malee@mail.example", language="ja")

    user.refresh_from_db()
    assert waiting is True
    assert (user.first_name, user.last_name, user.language) == ("Malee", "Srisuk", "ja")
    assert (user.email, user.pending_email) == ("malee@example.com", "malee@mail.example"), "the old address counts until confirmed"
    assert user.email_verified
    assert sorted(message.to[0] for message in mailoutbox) == ["malee@example.com", "malee@mail.example"]


def test_user_update_profile_to_another_accounts_email_sends_its_owner_a_notice_and_no_link(
    db, mailoutbox, django_capture_on_commit_callbacks
):
    UserFactory(username="somchai", email="somchai@example.com")
    user = UserFactory(username="malee", email="malee@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        user_update_profile(user=user, first_name="", last_name="", email="SOMCHAI@example.com", language="en")

    user.refresh_from_db()
    assert (user.email, user.pending_email) == ("malee@example.com", "SOMCHAI@example.com")
    to_owner = [message for message in mailoutbox if message.to == ["somchai@example.com"]]
    assert len(to_owner) == 1 and "/accounts/email/confirm/" not in to_owner[0].body
    assert "nothing was changed" in to_owner[0].body


def test_user_update_profile_accepts_the_users_own_email_in_another_case(db):
    user = UserFactory(username="malee", email="malee@example.com")

    user_update_profile(user=user, first_name="", last_name="", email="Malee@Example.com", language="en")

    user.refresh_from_db()
    assert (user.email, user.pending_email) == ("malee@example.com", ""), "the same address: no change waits"


def test_user_update_profile_refuses_an_unknown_language(db):
    user = UserFactory(username="malee", language="en")

    with pytest.raises(ValidationError) as refused:
        user_update_profile(user=user, first_name="", last_name="", email="malee@example.com", language="xx")

    assert "language" in refused.value.message_dict
    user.refresh_from_db()
    assert user.language == "en"


# --- roles ------------------------------------------------------------------------------------


def test_anonymous_visitor_has_no_roles():
    from django.contrib.auth.models import AnonymousUser

    assert user_roles(user=AnonymousUser()) == Roles()


def test_buyer_has_no_back_office_roles(buyer, django_assert_num_queries):
    with django_assert_num_queries(1):
        roles = user_roles(user=buyer)

    assert roles == Roles(is_producer=False, is_organiser=False, is_staff=False)


def test_producer_member_has_the_producer_role(producer_user, django_assert_num_queries):
    with django_assert_num_queries(1):
        roles = user_roles(user=producer_user)

    assert roles == Roles(is_producer=True, is_organiser=False, is_staff=False)


def test_event_organiser_has_the_organiser_role(organiser_user):
    assert user_roles(user=organiser_user) == Roles(is_producer=False, is_organiser=True, is_staff=False)


def test_staff_has_the_staff_role(staff_user):
    assert user_roles(user=staff_user) == Roles(is_producer=False, is_organiser=False, is_staff=True)


def test_one_account_can_hold_several_roles(places):
    from tests.factories import OrganiserFactory, ProducerMembershipFactory

    membership = ProducerMembershipFactory(user__username="somchai", user__is_staff=True)
    OrganiserFactory(user=membership.user)

    assert user_roles(user=membership.user) == Roles(is_producer=True, is_organiser=True, is_staff=True)
