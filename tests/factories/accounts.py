"""Accounts: users (confirmed, with a known password) and a test client logged in as one."""

import factory
from django.utils import timezone

from accounts.models import User

TEST_PASSWORD = "a-Long-test-passw0rd"
# A password the sign-up and password forms accept, for an account they make.
NEW_PASSWORD = "Khon-Kaen-silk-2026"
BACKEND = "accounts.backends.UsernameOrEmailBackend"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    # Confirmed by default, as an account in use is; UserFactory(email_verified_at=None) for one that is not.
    email_verified_at = factory.LazyFunction(timezone.now)
    first_name = factory.Faker("first_name")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def log_in(client, user: User):
    """Log `client` in as `user` through the site's own authentication backend."""
    client.force_login(user, backend=BACKEND)
    return client


def signup_form_data(**changes) -> dict:
    """The sign-up form's POST for a new account (`newcomer`), with `changes`."""
    return {
        "username": "newcomer",
        "email": "newcomer@example.com",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        "language": "en",
    } | changes


def profile_form_data(**changes) -> dict:
    """The profile form's POST for the `buyer` fixture's account, with `changes`."""
    return {"first_name": "", "last_name": "", "email": "buyer@example.com", "language": "en"} | changes
