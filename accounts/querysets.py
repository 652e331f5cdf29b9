from django.db import models
from django.db.models import Case, Q, Value, When

from .roles import role_annotations


class UserQuerySet(models.QuerySet):
    def with_verified_email(self, email: str):
        """The account (at most one) that has confirmed `email`, in any case."""
        return self.filter(email__iexact=(email or "").strip(), email_verified_at__isnull=False).exclude(email="")

    def by_login(self, login: str):
        """The account a login form's `username` names: its user name or confirmed e-mail, any case.

        An unconfirmed address names nobody (its account logs in by user name), so signing up with
        someone else's address gives no way in under it. User names cannot hold "@" any more; an
        older one that does is still found by name, after a confirmed address that reads the same.
        """
        login = (login or "").strip()
        if "@" in login:
            by_email = Q(email__iexact=login, email_verified_at__isnull=False)
            return self.filter(by_email | Q(username__iexact=login)).order_by(
                Case(When(by_email, then=Value(0)), default=Value(1)), "pk"
            )
        return self.filter(username__iexact=login)

    def with_roles(self):
        """Annotate each registered role (`is_producer`, `is_organiser`: accounts/roles.py) in the
        same query as the user."""
        return self.annotate(**role_annotations())
