from django.db import models
from django.db.models import Prefetch, Q


class ProductQuerySet(models.QuerySet):
    def public(self):
        """Published products of verified producers: what visitors may see.

        The `visible` flag holds exactly that; see catalogue.services.product_visibility_sync().
        """
        return self.filter(visible=True)

    def managed_by(self, user):
        """Products of the producers the user is a member of: the only ones they may edit."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(producer__memberships__user=user)

    def in_category(self, category):
        return self.filter(Q(category=category) | Q(category__parent=category))

    def with_card_data(self):
        """What a product card shows, in a fixed number of queries for any page size."""
        from places.querysets import ANCESTOR_PATH

        from .models import ProductPhoto

        return self.select_related("producer", f"producer__place__{ANCESTOR_PATH}", "province", "category").prefetch_related(
            Prefetch("photos", queryset=ProductPhoto.objects.order_by("position", "pk"))
        )
