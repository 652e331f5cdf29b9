from django.db import models
from django.db.models import Prefetch, Q


# The columns a product card reads: its product's and its producer's (the producer's place
# with its parents whole, for the place's full name).
CARD_FIELDS = (
    "slug", "name_en", "name_th", "name_ja", "name_local", "price", "currency", "unit", "stock",
    "star_scheme", "star_rating", "star_year", "published_at", "position", "producer",
)
CARD_PRODUCER_FIELDS = ("name", "name_en", "name_ja", "own_language", "slug", "place")


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
        """What a product card shows (templates/catalogue/partials/product_card.html) and no
        more: two queries for any page size, reading only the columns the card shows, not the
        descriptions, stories and search vectors of every product."""
        from places.querysets import ANCESTOR_PATH

        from .models import ProductPhoto

        return (
            self.select_related("producer", f"producer__place__{ANCESTOR_PATH}")
            .only(*CARD_FIELDS, *(f"producer__{name}" for name in CARD_PRODUCER_FIELDS))
            .prefetch_related(
                Prefetch(
                    "photos",
                    queryset=ProductPhoto.objects.only("product", "image", "alt_text").order_by("position", "pk"),
                )
            )
        )
