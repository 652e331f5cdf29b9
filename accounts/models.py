"""Accounts: one user model for visitors, buyers, producers, organisers and staff.

Roles are not flags on the user: a producer is a user with a membership in a producer or
community group (producers.ProducerMembership), an organiser one with an organiser membership
of an event (events.EventOrganiser), staff is Django's is_staff.
"""

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from .querysets import UserQuerySet
from .validators import UsernameValidator


class AccountManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    username_validator = UsernameValidator()

    # Redeclared for its validator: no "@", so a user name can never be read as an e-mail address.
    username = models.CharField(
        _("username"),
        max_length=150,
        unique=True,
        help_text=_("Required. 150 characters or fewer. Letters, digits and ./+/-/_ only."),
        validators=[username_validator],
        error_messages={"unique": _("A user with that username already exists.")},
    )
    # The address that counts (invitations, order e-mails, password reset, log-in by e-mail)
    # once confirmed by a link sent to it; until then email_verified_at is empty.
    email = models.EmailField(_("e-mail address"), blank=True)
    email_verified_at = models.DateTimeField(_("e-mail confirmed at"), null=True, blank=True)
    # A new address waiting for its link to be opened; `email` keeps counting until then.
    pending_email = models.EmailField(_("new e-mail address, not yet confirmed"), blank=True)
    language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="en",
        help_text=_("The language of the e-mails we send you."),
    )

    objects = AccountManager()

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        constraints = [
            # One account per confirmed e-mail address, whatever its case, so log-in by e-mail is
            # unambiguous. Unconfirmed addresses may repeat: an unconfirmed sign-up cannot hold an
            # address against its owner; whoever confirms it first has it.
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email="") & models.Q(email_verified_at__isnull=False),
                name="accounts_user_verified_email_ci_unique",
                violation_error_message=_("Another account has confirmed this e-mail address."),
            ),
            models.UniqueConstraint(
                Lower("username"),
                name="accounts_user_username_ci_unique",
                violation_error_message=_("This user name is taken."),
            ),
        ]

    def get_session_auth_hash(self) -> str:
        """Django's session check. A user kept between requests (accounts/cache.py) carries the
        hash computed when it was loaded instead of its password hash; one whose password has
        been read or set since computes it afresh."""
        kept = self.__dict__.get("kept_session_auth_hash")
        if kept is not None and "password" not in self.__dict__:
            return kept
        return super().get_session_auth_hash()

    def __str__(self) -> str:
        return self.username

    @property
    def short_name(self) -> str:
        return self.first_name or self.username

    @property
    def email_verified(self) -> bool:
        """The account's address is confirmed: mail may go to it and it may log in with it."""
        return bool(self.email and self.email_verified_at)
