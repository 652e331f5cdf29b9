"""Events such as OTOP City and the organisers of each."""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator, URLValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from core.localisation import localised
from core.models import StateChange
from producers.models import CURRENCY_BY_COUNTRY

from .querysets import EventQuerySet


class Event(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        OPEN = "open", _("open for applications")
        CLOSED = "closed", _("applications closed")
        PUBLISHED = "published", _("published")
        FINISHED = "finished", _("finished")

    name = models.CharField(_("name in English"), max_length=200)
    name_th = models.CharField(_("name in Thai"), max_length=200, blank=True)
    name_ja = models.CharField(_("name in Japanese"), max_length=200, blank=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    venue = models.CharField(_("venue"), max_length=200)
    place = models.ForeignKey("places.Place", verbose_name=_("place"), on_delete=models.PROTECT, related_name="events")
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    map_url = models.URLField(
        _("map link"), max_length=500, blank=True, validators=[URLValidator(schemes=["https"])],
        help_text=_("The venue on a map, an https:// address (e.g. a Google Maps or OpenStreetMap link)."),
    )
    requirements = models.TextField(
        _("requirements for exhibitors"), blank=True, max_length=2000,
        help_text=_("Shown before producers apply, besides the rule that only verified groups may apply."),
    )
    organiser_name = models.CharField(
        _("organised by"), max_length=200, blank=True, help_text=_("The organisation that invoices the stall fees."),
    )
    organiser_address = models.TextField(_("organiser's address"), max_length=500, blank=True, help_text=_("Printed on the invoices."))

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")), name="events_event_dates_ordered")
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name in Thai or Japanese for a visitor reading those, `name` otherwise."""
        return localised(self, "name", ("",))

    @property
    def currency(self) -> str:
        """The currency of the stall fees: the one of the country the event is held in."""
        return CURRENCY_BY_COUNTRY.get(self.place.country, "THB")


class EventStatusChange(StateChange):
    """Every change of an event's status: from, to, which organiser, when (see events.lifecycles)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="status_changes")
    from_state = models.CharField(_("from"), max_length=12, choices=Event.Status.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=12, choices=Event.Status.choices)

    class Meta(StateChange.Meta):
        verbose_name = _("status change")
        verbose_name_plural = _("status history")


class EventOrganiser(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="organisers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="organised_events")

    class Meta:
        verbose_name = _("organiser")
        verbose_name_plural = _("organisers")
        constraints = [models.UniqueConstraint(fields=["event", "user"], name="events_organiser_unique")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.event}"


class Zone(models.Model):
    """A hall or zone of an event, themed by a product category or a region, coloured on the plan."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="zones")
    code = models.CharField(_("code"), max_length=8, help_text=_("e.g. B"))
    name = models.CharField(_("name"), max_length=120)
    name_th = models.CharField(_("name in Thai"), max_length=120, blank=True)
    name_ja = models.CharField(_("name in Japanese"), max_length=120, blank=True)
    theme_category = models.ForeignKey(
        "catalogue.Category", verbose_name=_("theme: category"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    theme_region = models.ForeignKey(
        "places.Place", verbose_name=_("theme: region"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    colour = models.CharField(
        _("colour"), max_length=7, default="#7a2e8e",
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", _("A colour like #7a2e8e."))],
    )

    class Meta:
        verbose_name = _("zone")
        verbose_name_plural = _("zones")
        ordering = ["event", "code"]
        constraints = [
            models.UniqueConstraint(fields=["event", "code"], name="events_zone_code_unique"),
            # Lets a stall point at (zone, event) together, so a stall's zone is always of its event.
            models.UniqueConstraint(fields=["id", "event"], name="events_zone_id_event_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.display_name}"

    @property
    def display_name(self) -> str:
        """The name in Thai or Japanese for a visitor reading those, `name` otherwise."""
        return localised(self, "name", ("",))


class StallFeature(models.TextChoices):
    """What a stall may have and an application may need, declared once: the stall's field
    (``Stall.has_power``…), the application's (``StallApplication.needs_power``…), and how pages,
    forms and messages name it. Everything else (the CSV's "features", the filters, the scorer,
    the plans, the checks of a stall against a need) is derived from this class."""

    POWER = "power", _("power")
    CORNER = "corner", _("corner")
    DOUBLE = "double", _("double stall")

    @property
    def stall_field(self) -> str:
        """The Stall field saying whether a stall has it."""
        return FEATURE_NAMES[self][0]

    @property
    def need_field(self) -> str:
        """The StallApplication field saying whether an application needs it."""
        return f"needs_{self.value}"

    @property
    def need_label(self):
        """The feature as a need, in a message or a filter: "a corner"."""
        return FEATURE_NAMES[self][1]

    @property
    def stall_form_label(self):
        return FEATURE_NAMES[self][2]

    @property
    def need_form_label(self):
        return FEATURE_NAMES[self][3]

    @classmethod
    def stall_fields(cls) -> list[str]:
        return [feature.stall_field for feature in cls]

    @classmethod
    def need_fields(cls) -> list[str]:
        return [feature.need_field for feature in cls]

    @classmethod
    def of_stall(cls, stall) -> list["StallFeature"]:
        """The features the stall has, in the declared order."""
        return [feature for feature in cls if getattr(stall, feature.stall_field)]

    @classmethod
    def needed_by(cls, application) -> list["StallFeature"]:
        """The features the application needs, in the declared order."""
        return [feature for feature in cls if getattr(application, feature.need_field)]

    @classmethod
    def unmet(cls, application, stall) -> list["StallFeature"]:
        """What the application needs that the stall lacks."""
        return [feature for feature in cls.needed_by(application) if not getattr(stall, feature.stall_field)]


# Per feature: the Stall field, the need in a message, the stall form's label, the application form's.
FEATURE_NAMES = {
    StallFeature.POWER: ("has_power", _("power"), _("Has power"), _("I need power")),
    StallFeature.CORNER: ("is_corner", _("a corner"), _("Corner stall (open on two sides)"), _("I need a corner stall")),
    StallFeature.DOUBLE: ("is_double", _("a double stall"), _("Double stall"), _("I need a double stall")),
}


class Stall(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="stalls")
    zone = models.ForeignKey(Zone, on_delete=models.CASCADE, related_name="stalls")
    code = models.CharField(_("code"), max_length=16, help_text=_("e.g. B-12"))
    # Position and size on the floor plan, in metres from the hall's top-left corner.
    x = models.DecimalField(_("x (m)"), max_digits=7, decimal_places=2)
    y = models.DecimalField(_("y (m)"), max_digits=7, decimal_places=2)
    width = models.DecimalField(_("width (m)"), max_digits=5, decimal_places=2, default=3)
    depth = models.DecimalField(_("depth (m)"), max_digits=5, decimal_places=2, default=3)
    fee = models.DecimalField(_("fee"), max_digits=10, decimal_places=2, default=0)
    # False: the fee follows the event's tariff (FeeTariff.fee_for), when it has one.
    fee_by_hand = models.BooleanField(_("fee set by hand"), default=False)
    # One field per StallFeature (its stall_field).
    has_power = models.BooleanField(StallFeature.POWER.label, default=False)
    is_corner = models.BooleanField(StallFeature.CORNER.label, default=False)
    is_double = models.BooleanField(StallFeature.DOUBLE.label, default=False)

    class Meta:
        verbose_name = _("stall")
        verbose_name_plural = _("stalls")
        ordering = ["event", "zone__code", "code"]
        constraints = [
            models.UniqueConstraint(fields=["event", "code"], name="events_stall_code_unique"),
            models.UniqueConstraint(fields=["id", "event"], name="events_stall_id_event_unique"),
            models.CheckConstraint(
                condition=models.Q(width__gt=0, depth__gt=0, x__gte=0, y__gte=0, fee__gte=0), name="events_stall_geometry"
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def features(self) -> list[StallFeature]:
        """What the stall has (power, a corner, double), in the declared order."""
        return StallFeature.of_stall(self)


class StallApplication(models.Model):
    class State(models.TextChoices):
        SUBMITTED = "submitted", _("submitted")
        ACCEPTED = "accepted", _("accepted")
        WAITLISTED = "waitlisted", _("waitlisted")
        REJECTED = "rejected", _("rejected")
        WITHDRAWN = "withdrawn", _("withdrawn")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="applications")
    producer = models.ForeignKey("producers.Producer", on_delete=models.CASCADE, related_name="stall_applications")
    preferred_zone = models.ForeignKey(
        Zone, verbose_name=_("preferred zone"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    products = models.ManyToManyField("catalogue.Product", verbose_name=_("products to exhibit"), blank=True, related_name="+")
    # One field per StallFeature (its need_field).
    needs_power = models.BooleanField(_("needs power"), default=False)
    needs_corner = models.BooleanField(_("needs a corner"), default=False)
    needs_double = models.BooleanField(_("needs a double stall"), default=False)
    note = models.TextField(_("note to the organisers"), blank=True)
    exhibited_before = models.BooleanField(_("exhibited at an earlier event"), default=False, editable=False)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.SUBMITTED)
    created_at = models.DateTimeField(_("applied"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("stall application")
        verbose_name_plural = _("stall applications")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "producer"],
                condition=~models.Q(state="withdrawn"),
                name="events_one_live_application_per_producer",
            ),
            models.UniqueConstraint(fields=["id", "event", "producer"], name="events_application_id_event_producer_unique"),
        ]
        indexes = [models.Index(fields=["event", "state"])]

    @property
    def needs(self) -> list[StallFeature]:
        """What the application needs of its stall, in the declared order."""
        return StallFeature.needed_by(self)

    def __str__(self) -> str:
        return f"{self.producer} @ {self.event}"


class ApplicationStateChange(StateChange):
    """Every change of a stall application's state (see events.lifecycles)."""

    application = models.ForeignKey(StallApplication, on_delete=models.CASCADE, related_name="state_changes")
    from_state = models.CharField(_("from"), max_length=12, choices=StallApplication.State.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=12, choices=StallApplication.State.choices)


class StallAssignment(models.Model):
    """A stall given to an accepted application. The database holds the rules: a stall holds at
    most one producer per event, a producer at most one stall per event, and the stall and the
    application belong to the same event (composite foreign keys in the migration)."""

    class Fee(models.TextChoices):
        NONE = "none", _("not invoiced")
        INVOICED = "invoiced", _("invoiced")
        PAID = "paid", _("paid")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="assignments")
    stall = models.ForeignKey(Stall, on_delete=models.CASCADE, related_name="assignments")
    application = models.ForeignKey(StallApplication, on_delete=models.CASCADE, related_name="assignments")
    producer = models.ForeignKey("producers.Producer", on_delete=models.CASCADE, related_name="stall_assignments")
    fee_state = models.CharField(_("fee"), max_length=10, choices=Fee.choices, default=Fee.NONE)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("stall assignment")
        verbose_name_plural = _("stall assignments")
        constraints = [
            models.UniqueConstraint(fields=["event", "stall"], name="events_one_producer_per_stall"),
            models.UniqueConstraint(fields=["event", "producer"], name="events_one_stall_per_producer"),
            models.UniqueConstraint(fields=["application"], name="events_one_stall_per_application"),
        ]


class AssignmentProposal(models.Model):
    """An automatic assignment the organiser reviews on the plan, then accepts or discards."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="proposals")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # [[application id, stall id], …] and the score (assigned, in preferred zone, …).
    pairs = models.JSONField(default=list)
    score = models.JSONField(default=dict)

    class Meta:
        ordering = ["-created_at"]


# Whole units for currencies without a coin worth counting (the catalogue's prices show them so too).
WHOLE_UNIT_CURRENCIES = frozenset({"JPY", "KHR", "LAK", "MMK", "VND"})


class FeeTariff(models.Model):
    """How an event's stall fees are set: a base fee by the stall's size (a single or a double
    stall, or so much a square metre), plus a surcharge for a corner and one for power. Every
    stall whose fee is not set by hand (``Stall.fee_by_hand``) has the fee the tariff computes."""

    class Basis(models.TextChoices):
        STALL = "stall", _("per stall: a single or a double stall")
        AREA = "area", _("per square metre of the stall")

    event = models.OneToOneField(Event, on_delete=models.CASCADE, primary_key=True, related_name="fee_tariff")
    basis = models.CharField(_("base fee"), max_length=8, choices=Basis.choices, default=Basis.STALL)
    single_fee = models.DecimalField(_("fee of a single stall"), max_digits=10, decimal_places=2, default=0, validators=[MinValueValidator(0)])
    double_fee = models.DecimalField(_("fee of a double stall"), max_digits=10, decimal_places=2, default=0, validators=[MinValueValidator(0)])
    area_fee = models.DecimalField(_("fee per square metre"), max_digits=10, decimal_places=2, default=0, validators=[MinValueValidator(0)])
    corner_surcharge = models.DecimalField(_("surcharge for a corner"), max_digits=10, decimal_places=2, default=0, validators=[MinValueValidator(0)])
    power_surcharge = models.DecimalField(_("surcharge for power"), max_digits=10, decimal_places=2, default=0, validators=[MinValueValidator(0)])
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("fee tariff")
        verbose_name_plural = _("fee tariffs")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(single_fee__gte=0, double_fee__gte=0, area_fee__gte=0, corner_surcharge__gte=0, power_surcharge__gte=0),
                name="events_tariff_not_negative",
            )
        ]

    def __str__(self) -> str:
        return f"{self.event}: {self.get_basis_display()}"

    def fee_for(self, stall: Stall) -> Decimal:
        """The fee of `stall` by this tariff, in the event's currency (whole units where the
        currency has no smaller coin in use)."""
        if self.basis == self.Basis.AREA:
            fee = self.area_fee * Decimal(stall.width) * Decimal(stall.depth)
        else:
            fee = self.double_fee if stall.is_double else self.single_fee
        if stall.is_corner:
            fee += self.corner_surcharge
        if stall.has_power:
            fee += self.power_surcharge
        step = Decimal(1) if self.event.currency in WHOLE_UNIT_CURRENCIES else Decimal("0.01")
        return Decimal(fee).quantize(step, rounding=ROUND_HALF_UP)


# How long the link of an organiser invitation works.
ORGANISER_INVITATION_DAYS = 14


class OrganiserInvitation(models.Model):
    """An organiser's invitation to an e-mail address to organise the event too. The link sent
    carries a signed token that expires (events.services.organisers); the account that has
    confirmed the address accepts it."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="organiser_invitations")
    email = models.EmailField(_("e-mail"))
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    accepted = models.BooleanField(null=True, blank=True)  # None until answered
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("organiser invitation")
        verbose_name_plural = _("organiser invitations")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                "event", Lower("email"), condition=models.Q(answered_at__isnull=True), name="events_one_open_invitation_per_address"
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} @ {self.event}"
