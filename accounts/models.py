"""Accounts: one user model for visitors, buyers, producers, organisers and staff.

Roles are not flags on the user: a producer is a user with a membership in a producer or
community group (producers.ProducerMembership), an organiser one with an organiser membership
of an event (events.EventOrganiser), staff is Django's is_staff (SPEC §1).
"""

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from .querysets import UserQuerySet


class AccountManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    email = models.EmailField(_("e-mail address"), blank=True)
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
            # One account per e-mail address, whatever its case, so login by e-mail is unambiguous.
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email=""),
                name="accounts_user_email_ci_unique",
                violation_error_message=_("An account with this e-mail address already exists."),
            ),
            models.UniqueConstraint(
                Lower("username"),
                name="accounts_user_username_ci_unique",
                violation_error_message=_("This user name is taken."),
            ),
        ]

    def __str__(self) -> str:
        return self.username

    @property
    def short_name(self) -> str:
        return self.first_name or self.username
