"""Reusable read filters of the marketplace's rows."""

from django.db import models
from django.db.models import Exists, OuterRef, Q

from producers.models import ProducerMembership


class PaymentSlipQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The slips `user` may see: of their own orders as buyer, of orders placed with a
        producer they are a member of (whichever group the dashboard has selected), and all of
        them for staff. None for anonymous visitors."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.is_staff:
            return self
        member = ProducerMembership.objects.filter(producer=OuterRef("order__producer"), user=user)
        return self.filter(Q(order__buyer=user) | Q(Exists(member)))
