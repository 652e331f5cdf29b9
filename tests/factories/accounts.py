"""Accounts: users (confirmed, with a known password) and a test client logged in as one."""

import factory
from django.utils import timezone

from accounts.models import User

TEST_PASSWORD = "a-Long-test-passw0rd"
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
