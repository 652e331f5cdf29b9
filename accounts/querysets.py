from django.db import models
from django.db.models import Exists, OuterRef


class UserQuerySet(models.QuerySet):
    def by_login(self, login: str):
        """The account a login form's `username` names: its user name or e-mail, any case."""
        login = (login or "").strip()
        if "@" in login:
            return self.filter(email__iexact=login)
        return self.filter(username__iexact=login)

    def with_roles(self):
        """Annotate `is_producer` and `is_organiser` in the same query as the user."""
        from events.models import EventOrganiser
        from producers.models import ProducerMembership

        return self.annotate(
            is_producer=Exists(ProducerMembership.objects.filter(user=OuterRef("pk"))),
            is_organiser=Exists(EventOrganiser.objects.filter(user=OuterRef("pk"))),
        )
