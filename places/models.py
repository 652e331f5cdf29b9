"""The place tree: country → province → district → sub-district (tambon) → village.

One table for every level, each row pointing at its parent. Regions (Thailand's six, Japan's
eight) are rows too, but beside the tree: a province names its region; regions are not in the
chain of parents, so a tambon's full name reads "Tambon Tha Sawang, Mueang Surin, Surin".
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.localisation import localised

from .querysets import PlaceQuerySet


class Country(models.TextChoices):
    THAILAND = "TH", _("Thailand")
    JAPAN = "JP", _("Japan")
    CAMBODIA = "KH", _("Cambodia")
    LAOS = "LA", _("Lao PDR")
    MYANMAR = "MM", _("Myanmar")
    VIETNAM = "VN", _("Vietnam")


class Place(models.Model):
    class Level(models.TextChoices):
        COUNTRY = "country", _("country")
        REGION = "region", _("region")
        PROVINCE = "province", _("province")
        DISTRICT = "district", _("district")
        SUBDISTRICT = "subdistrict", _("sub-district")
        VILLAGE = "village", _("village")

    country = models.CharField(_("country"), max_length=2, choices=Country.choices)
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    # The official geocode where there is one (Thai DOPA codes, JIS X 0401, ISO 3166-2, …).
    code = models.CharField(_("code"), max_length=32)
    parent = models.ForeignKey(
        "self", verbose_name=_("part of"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    region = models.ForeignKey(
        "self",
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="region_provinces",
        limit_choices_to={"level": "region"},
    )
    slug = models.SlugField(_("slug"), max_length=120, unique=True, allow_unicode=False)
    name_en = models.CharField(_("name in English"), max_length=120)
    name_local = models.CharField(_("name in the local script"), max_length=120, blank=True)
    name_th = models.CharField(_("name in Thai"), max_length=120, blank=True)
    name_ja = models.CharField(_("name in Japanese"), max_length=120, blank=True)
    postal_codes = models.CharField(_("postal codes"), max_length=64, blank=True)

    objects = PlaceQuerySet.as_manager()

    class Meta:
        verbose_name = _("place")
        verbose_name_plural = _("places")
        ordering = ["country", "level", "name_en"]
        constraints = [
            models.UniqueConstraint(fields=["country", "level", "code"], name="places_place_code_unique"),
            models.CheckConstraint(
                condition=models.Q(level="country", parent__isnull=True) | ~models.Q(level="country"),
                name="places_country_has_no_parent",
            ),
            models.CheckConstraint(
                condition=models.Q(level="country") | models.Q(parent__isnull=False),
                name="places_place_has_parent",
            ),
        ]
        indexes = [models.Index(fields=["country", "level"])]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The name in the active language, falling back to English, then the local script."""
        return localised(self, "name", ("en", "local"))

    def ancestors(self) -> list["Place"]:
        """This place and its parents up to (not including) the country, smallest first.

        Walks the cached parents: load places with `Place.objects.with_ancestors()` to keep it
        free of queries.
        """
        chain, place = [], self
        while place is not None and place.level != Place.Level.COUNTRY:
            chain.append(place)
            place = place.parent
        return chain

    @property
    def province(self) -> "Place | None":
        return next((p for p in self.ancestors() if p.level == Place.Level.PROVINCE), None)

    @property
    def full_name(self) -> str:
        """"Ban Tha Sawang, Tambon Tha Sawang, Mueang Surin, Surin" in the visitor's language."""
        from .naming import full_name

        return full_name(self)
