"""Account services (SPEC §1, §4): registration, profile changes, roles."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import User
from accounts.selectors import Roles, user_roles
from accounts.services import user_register, user_update_profile
from tests.factories import UserFactory

GOOD_PASSWORD = "Khon-Kaen-silk-2026"


# --- user_register ----------------------------------------------------------------------------


def test_user_register_creates_an_account_with_a_hashed_password(db):
    user = user_register(username="  somchai ", email=" somchai@example.com ", password=GOOD_PASSWORD, language="th")

    user.refresh_from_db()
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


def test_user_register_refuses_an_email_taken_in_another_case(db):
    UserFactory(username="somchai", email="somchai@example.com")

    with pytest.raises(ValidationError) as refused:
        user_register(username="somchai2", email="SOMCHAI@Example.COM", password=GOOD_PASSWORD)

    assert refused.value.message_dict == {"email": ["An account with this e-mail address already exists."]}
    assert not User.objects.filter(username="somchai2").exists()


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

    assert set(refused.value.message_dict) == {"username", "email", "password1"}


def test_user_register_refuses_a_malformed_email(db):
    with pytest.raises(ValidationError) as refused:
        user_register(username="malee", email="not-an-address", password=GOOD_PASSWORD)

    assert "email" in refused.value.message_dict
    assert not User.objects.filter(username="malee").exists()


def test_database_refuses_user_names_differing_only_in_case(db):
    UserFactory(username="somchai")

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="SOMCHAI", email="x@example.com")


def test_database_refuses_emails_differing_only_in_case(db):
    UserFactory(username="somchai", email="somchai@example.com")

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="other", email="SomChai@Example.com")


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


# --- user_update_profile ----------------------------------------------------------------------


def test_user_update_profile_saves_names_email_and_language(db):
    user = UserFactory(username="malee", email="malee@example.com", language="en")

    user_update_profile(user=user, first_name=" Malee ", last_name="Srisuk", email="malee@mail.example", language="ja")

    user.refresh_from_db()
    assert (user.first_name, user.last_name, user.email, user.language) == ("Malee", "Srisuk", "malee@mail.example", "ja")


def test_user_update_profile_refuses_another_accounts_email_in_any_case(db):
    UserFactory(username="somchai", email="somchai@example.com")
    user = UserFactory(username="malee", email="malee@example.com")

    with pytest.raises(ValidationError) as refused:
        user_update_profile(user=user, first_name="", last_name="", email="SOMCHAI@example.com", language="en")

    assert "email" in refused.value.message_dict
    user.refresh_from_db()
    assert user.email == "malee@example.com"


def test_user_update_profile_accepts_the_users_own_email_in_another_case(db):
    user = UserFactory(username="malee", email="malee@example.com")

    user_update_profile(user=user, first_name="", last_name="", email="Malee@Example.com", language="en")

    user.refresh_from_db()
    assert user.email == "Malee@example.com", "accepted; Django lower-cases only the domain"


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
