from django.db import models


class ProducerQuerySet(models.QuerySet):
    def public(self):
        """Only verified producers are shown to visitors (SPEC §2.2)."""
        return self.filter(state="verified")

    def managed_by(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user=user)
