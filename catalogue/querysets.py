from django.db import models
from django.db.models import OuterRef, Q, Subquery


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
        more, in one query for any page size: the columns the card shows (not the descriptions,
        stories and search vectors of every product), the producer with its place and the
        place's parents, and the cover photo (`cover_image`, `cover_alt_text`: the first photo's)
        read beside each product instead of every photo in a second query."""
        from places.querysets import ANCESTOR_PATH

        from .models import ProductPhoto

        cover = ProductPhoto.objects.filter(product=OuterRef("pk")).order_by("position", "pk")
        return (
            self.select_related("producer", f"producer__place__{ANCESTOR_PATH}")
            .only(*CARD_FIELDS, *(f"producer__{name}" for name in CARD_PRODUCER_FIELDS))
            .annotate(
                cover_image=Subquery(cover.values("image")[:1]),
                cover_alt_text=Subquery(cover.values("alt_text")[:1]),
            )
        )
