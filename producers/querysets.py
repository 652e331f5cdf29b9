from django.db import models
from django.db.models import Prefetch


class ProducerQuerySet(models.QuerySet):
    def public(self):
        """Only verified producers are shown to visitors."""
        return self.filter(state="verified")

    def managed_by(self, user):
        """The producers the user is a member of: the only ones their dashboard can reach."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(memberships__user=user)

    def in_country(self, country: str):
        return self.filter(country=country)

    def in_province(self, province):
        return self.filter(province=province)

    def with_place(self):
        from places.querysets import ANCESTOR_PATH

        return self.select_related(f"place__{ANCESTOR_PATH}", "province")

    def with_first_photo(self):
        from .models import ProducerPhoto

        return self.prefetch_related(Prefetch("photos", queryset=ProducerPhoto.objects.order_by("position", "pk")))
