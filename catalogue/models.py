"""The catalogue: categories, products with their local-brand metadata, photos and
certifications."""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, OrderBy, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.localisation import localised

from .querysets import ProductQuerySet

# A product's texts in the visitor's language, then English, the local script, then any other.
ANY_LANGUAGE = ("en", "local", "th", "ja")


class Currency(models.TextChoices):
    THB = "THB", _("Thai baht")
    JPY = "JPY", _("Japanese yen")
    KHR = "KHR", _("Cambodian riel")
    LAK = "LAK", _("Lao kip")
    MMK = "MMK", _("Myanmar kyat")
    VND = "VND", _("Vietnamese dong")


class Category(models.Model):
    """The five OTOP categories and their sub-categories (a fixed, translated tree)."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("part of"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    name_en = models.CharField(_("name in English"), max_length=120)
    name_th = models.CharField(_("name in Thai"), max_length=120)
    name_ja = models.CharField(_("name in Japanese"), max_length=120)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "slug"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        # Then any other language: a category named in one only is still named.
        return localised(self, "name", ("en", "th", "ja"))

    @property
    def top(self) -> "Category":
        return self.parent if self.parent_id else self


class StarScheme(models.TextChoices):
    OTOP = "otop", _("OTOP Product Champion (1–5 stars)")
    OCOP = "ocop", _("OCOP (3–5 stars)")


# The columns the catalogue's filters compare (catalogue/facets.py), carried by its order indexes.
LISTING_FILTERED = ["category", "country", "province", "star_rating", "stock"]

# How long an award stands: OTOP stars are awarded every two years, OCOP stars for 36 months.
STAR_VALIDITY_YEARS = {StarScheme.OTOP: 2, StarScheme.OCOP: 3}


class Product(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")
        ARCHIVED = "archived", _("archived")

    producer = models.ForeignKey(
        "producers.Producer", verbose_name=_("producer"), on_delete=models.CASCADE, related_name="products"
    )
    category = models.ForeignKey(Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="products")
    slug = models.SlugField(_("slug"), max_length=140, unique=True)

    name_en = models.CharField(_("name in English"), max_length=200)
    name_th = models.CharField(_("name in Thai"), max_length=200, blank=True)
    name_ja = models.CharField(_("name in Japanese"), max_length=200, blank=True)
    name_local = models.CharField(_("name in the producer's own language"), max_length=200, blank=True)
    description_en = models.TextField(_("description in English"), blank=True)
    description_th = models.TextField(_("description in Thai"), blank=True)
    description_ja = models.TextField(_("description in Japanese"), blank=True)
    description_local = models.TextField(_("description in the producer's own language"), blank=True)

    price = models.DecimalField(_("price"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)])
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, editable=False)
    # The price in Thai baht at the site's reference rates, so prices in different currencies can
    # be sorted and filtered together; set by the services with `price`.
    price_reference = models.DecimalField(max_digits=16, decimal_places=2, editable=False, default=0)
    unit = models.CharField(_("unit"), max_length=80, blank=True, help_text=_("e.g. 1 piece, 200 g jar, 2 m length"))
    weight_grams = models.PositiveIntegerField(_("weight for shipping (g)"), null=True, blank=True)
    stock = models.IntegerField(_("in stock"), default=0, validators=[MinValueValidator(0)])
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    # Shown to visitors: published, by a verified producer. Kept by the services whenever the
    # status or the producer's state changes, so the catalogue's queries need no join and its
    # facets are counted from one small index.
    visible = models.BooleanField(_("shown to visitors"), default=False, editable=False)

    # Local-brand metadata.
    origin = models.ForeignKey(
        "places.Place",
        verbose_name=_("origin"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The village or tambon where it is made, if not the producer's own."),
    )
    local_brand_name = models.CharField(_("local brand name"), max_length=120, blank=True)
    technique = models.CharField(_("traditional technique"), max_length=200, blank=True)
    materials = models.CharField(_("materials"), max_length=200, blank=True)
    star_scheme = models.CharField(_("star rating scheme"), max_length=4, choices=StarScheme.choices, blank=True)
    star_rating = models.PositiveSmallIntegerField(_("stars"), null=True, blank=True)
    star_year = models.PositiveSmallIntegerField(
        _("year awarded"), null=True, blank=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    story_en = models.TextField(_("story in English"), blank=True)
    story_th = models.TextField(_("story in Thai"), blank=True)
    story_ja = models.TextField(_("story in Japanese"), blank=True)
    story_local = models.TextField(_("story in the producer's own language"), blank=True)

    # Where the product comes from, for the catalogue's filters: the origin's province and
    # country, or the producer's. Set by the services.
    country = models.CharField(_("country"), max_length=2, editable=False)
    province = models.ForeignKey(
        "places.Place", verbose_name=_("province"), on_delete=models.PROTECT, related_name="+", editable=False
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    # Words of the product in every language, segmented for Thai and Japanese (catalogue/search.py);
    # kept up to date by catalogue/search_index.py.
    search_document = SearchVectorField(null=True, editable=False)
    # Its names and brand alone: small, so ranking thousands of matches reads little.
    search_names = SearchVectorField(null=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)

    objects = ProductQuerySet.as_manager()

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["position", "-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(price__gte=0), name="catalogue_product_price_not_negative"),
            models.CheckConstraint(condition=Q(stock__gte=0), name="catalogue_product_stock_not_negative"),
            models.CheckConstraint(
                condition=Q(visible=False) | Q(status="published"), name="catalogue_product_visible_only_published"
            ),
            models.CheckConstraint(
                condition=(
                    Q(star_scheme="", star_rating__isnull=True)
                    | Q(star_scheme="otop", star_rating__isnull=False, star_rating__gte=1, star_rating__lte=5)
                    | Q(star_scheme="ocop", star_rating__isnull=False, star_rating__gte=3, star_rating__lte=5)
                ),
                name="catalogue_product_star_range_per_scheme",
                violation_error_message=_("OTOP stars run from 1 to 5, OCOP stars from 3 to 5."),
            ),
        ]
        indexes = [
            models.Index(
                fields=["category"],
                include=["id", "country", "province", "star_rating", "stock", "price_reference"],
                condition=Q(visible=True),
                name="catalogue_product_facets",
            ),
            # The orders of the listing; each carries the columns the filters compare, so a page
            # deep in a filtered listing is found in the index without reading the products.
            models.Index(
                fields=["-published_at", "-id"], include=LISTING_FILTERED, condition=Q(visible=True),
                name="catalogue_product_newest",
            ),
            models.Index(
                fields=["price_reference", "id"], include=LISTING_FILTERED, condition=Q(visible=True),
                name="catalogue_product_price",
            ),
            models.Index(
                OrderBy(F("star_rating"), descending=True, nulls_last=True),
                OrderBy(F("published_at"), descending=True),
                OrderBy(F("id"), descending=True),
                include=LISTING_FILTERED,
                condition=Q(visible=True),
                name="catalogue_product_stars",
            ),
            models.Index(
                fields=["province", "-published_at", "-id"], condition=Q(visible=True), name="catalogue_product_province"
            ),
            models.Index(fields=["producer", "status", "position"]),
            # A product page's "more from the village": each neighbouring producer's newest few,
            # read off this index however many products the village's producers have.
            models.Index(
                F("producer"),
                OrderBy(F("published_at"), descending=True, nulls_last=True),
                OrderBy(F("id"), descending=True),
                condition=Q(visible=True),
                name="catalogue_product_maker_newest",
            ),
            # Visitors search visible products only: partial indexes, so a search needs no second
            # index for the visible flag. The names alone serve the search box's suggestions.
            GinIndex(fields=["search_document"], condition=Q(visible=True), name="catalogue_product_search"),
            GinIndex(fields=["search_names"], condition=Q(visible=True), name="catalogue_product_names"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localised(self, "name", ANY_LANGUAGE)

    @property
    def description(self) -> str:
        return localised(self, "description", ANY_LANGUAGE)

    @property
    def story(self) -> str:
        return localised(self, "story", ANY_LANGUAGE)

    @property
    def in_stock(self) -> bool:
        return self.stock > 0

    @property
    def star_valid_until(self) -> int | None:
        """The year the star rating lapses: the next OTOP selection two years on, or 36 months after
        an OCOP award."""
        if not (self.star_scheme and self.star_year):
            return None
        return self.star_year + STAR_VALIDITY_YEARS[StarScheme(self.star_scheme)]

    @property
    def star_lapsed(self) -> bool:
        """An award with a year whose validity has run out (one without a year cannot be told)."""
        valid_until = self.star_valid_until
        return valid_until is not None and valid_until < timezone.localdate().year

    @property
    def star_current(self) -> bool:
        valid_until = self.star_valid_until
        return valid_until is not None and valid_until >= timezone.localdate().year


class CertificationType(models.TextChoices):
    TCPS = "tcps", _("Thai Community Product Standard (TCPS / มผช.)")
    THAI_FDA = "thai-fda", _("Thai FDA registration (อย.)")
    HALAL = "halal", _("Halal")
    ORGANIC = "organic", _("Organic")
    GI = "gi", _("Geographical Indication (GI)")
    GAP = "gap", _("Good Agricultural Practice (GAP)")
    JAS = "jas", _("Japanese Agricultural Standard (JAS)")


class Certification(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="certifications")
    kind = models.CharField(_("certification"), max_length=10, choices=CertificationType.choices)
    name = models.CharField(_("name"), max_length=200, blank=True, help_text=_("e.g. the registered GI name"))
    number = models.CharField(_("number"), max_length=80, blank=True)
    year = models.PositiveSmallIntegerField(
        _("year"), null=True, blank=True, validators=[MinValueValidator(1950), MaxValueValidator(2100)]
    )

    class Meta:
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")
        ordering = ["kind", "pk"]
        constraints = [models.UniqueConstraint(fields=["product", "kind"], name="catalogue_certification_once_per_kind")]
        indexes = [models.Index(fields=["kind", "product"])]

    def __str__(self) -> str:
        return self.get_kind_display()


class ProductPhoto(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("photo"), upload_to="products/", max_length=200)
    alt_text = models.CharField(_("description of the photo"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["position", "pk"]
        indexes = [models.Index(fields=["product", "position"])]


class FacetCount(models.Model):
    """How many visible products share one combination of the values the catalogue's facets
    count by: category, place, stars, whether in stock and (`certification`, blank for the
    products themselves) one certification they hold. The facets beside /products/ add these
    up instead of counting tens of thousands of products on every page.

    Written by the database itself: triggers on the products and certifications tables
    (migration 0009) add each change as it is made, whatever makes it (a service, the admin, an
    import, a bulk update, a checkout selling the last unit), in the same transaction. They only
    ever insert rows (+n or -n for a combination), so two checkouts never wait for each other
    here; a combination's number is the sum of its rows, and facet_counts_compact() (catalogue
    services) folds them into one row each now and then.
    """

    category = models.ForeignKey(Category, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    country = models.CharField(max_length=2)
    province = models.ForeignKey("places.Place", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    # 0 for products without stars.
    star_rating = models.PositiveSmallIntegerField()
    in_stock = models.BooleanField()
    certification = models.CharField(max_length=10, blank=True)
    products = models.IntegerField()
    # Written by facet_counts_compact() (one row a combination), not by a trigger.
    folded = models.BooleanField(default=False, db_default=False)
