from django.db import models
from django.utils import timezone


class EventQuerySet(models.QuerySet):
    def public(self):
        return self.exclude(status="draft")

    def upcoming(self):
        return self.public().filter(ends_on__gte=timezone.localdate()).order_by("starts_on")

    def organised_by(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(organisers__user=user)
