"""The signed-in user, kept between requests (core/cache.py).

Every page a signed-in visitor asks for needs their account and their roles (the header shows
the producer dashboard to a member of a producer). They are loaded from the database once and
kept under the user's "account" version, renewed when the account row is saved or deleted and
when a role is gained or lost (a row of the model a role is held in: accounts/roles.py), once
the change commits. A deactivated account or a changed password is saved, so the next request
reads the account afresh and Django's session check logs the visitor out.
"""

from django.conf import settings
from django.db.models.signals import post_delete, post_save

from core import cache

ACCOUNT = cache.declare(
    "account",
    per="user",
    renewed_by="the account saved or deleted (the admin's included), a role gained or lost",
)


def account_changed(user_id) -> None:
    """The account `user_id`, or a role it holds, changed."""
    if user_id is not None:
        cache.renew(ACCOUNT.key(user_id))


def load_user(user_id, load):
    """The user `user_id` with their roles: kept, or `load(user_id)` (None for no such user).
    The user carries the tokens of their versions (`version_tokens`: core.cache.user_tokens),
    so the pages' own per-user parts need no read of their own."""
    found = cache.user_tokens(user_id)
    user = cache.fragment(
        "account", (user_id, found["account"]), lambda: _without_password(load(user_id)),
        keep=lambda user: user is not None, timeout=cache.PER_USER_TIMEOUT,
    )
    if user is not None:
        user.version_tokens = found
    return user


def _without_password(user):
    """`user` as it may be kept: the session check's hash computed now (User.get_session_auth_hash
    uses it) and the password hash itself left out, as a deferred field: no cache holds it, a
    save() of this instance leaves it alone, and reading it loads it from the database."""
    if user is not None:
        user.kept_session_auth_hash = user.get_session_auth_hash()
        del user.__dict__["password"]
    return user


def account_token(user) -> str:
    """The current token of a signed-in `user`'s account version, for the parts kept per account."""
    found = getattr(user, "version_tokens", None) or cache.user_tokens(user.pk)
    return found["account"]


def _renew_account(sender, instance, **kwargs) -> None:
    account_changed(instance.pk)


def _renew_role_holder(sender, instance, **kwargs) -> None:
    account_changed(instance.user_id)


def watch_account() -> None:
    post_save.connect(_renew_account, sender=settings.AUTH_USER_MODEL, dispatch_uid="accounts.account_saved")
    post_delete.connect(_renew_account, sender=settings.AUTH_USER_MODEL, dispatch_uid="accounts.account_deleted")


def watch_role_holders(model) -> None:
    """Rows of `model` (with a `user` foreign key) make their user hold a role."""
    post_save.connect(_renew_role_holder, sender=model, dispatch_uid=f"accounts.role_saved.{model._meta.label}")
    post_delete.connect(_renew_role_holder, sender=model, dispatch_uid=f"accounts.role_deleted.{model._meta.label}")
