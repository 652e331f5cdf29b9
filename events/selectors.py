"""The reads of the event pages."""

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, DecimalField, F, IntegerField, Max, Min, OuterRef, Prefetch, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Replace, TruncDate, Upper
from django.utils import timezone

from catalogue.models import Category
from places.models import Place
from producers.models import CURRENCY_BY_COUNTRY

from .geometry import ORGANISER_DRAWING, Drawing, FloorGeometry, PlanStall, floor_geometry
from .models import (
    ApplicationStateChange,
    AssignmentProposal,
    Event,
    EventOrganiser,
    Stall,
    StallApplication,
    StallAssignment,
    StallFeature,
    Zone,
)

# What a name on the organiser's pages needs of a producer (Producer.display_name), no more:
# the plan and the lists load thousands of them.
PRODUCER_NAME_FIELDS = ("producer__name", "producer__name_en", "producer__name_ja", "producer__own_language", "producer__slug")


def pickup_events_for(producer) -> list[Event]:
    """Published events, running or to come, where the producer has a stall: a buyer may pick up
    their order there."""
    return list(
        Event.objects.filter(
            status=Event.Status.PUBLISHED, ends_on__gte=timezone.localdate(), assignments__producer=producer
        ).order_by("starts_on")
    )


# --- The organiser's area ------------------------------------------------------------------------


def stall_code_order(code: str) -> tuple:
    """Sort key putting B-2 before B-10."""
    head, _sep, tail = code.rpartition("-")
    return (head, int(tail), "") if tail.isdigit() else (code, 0, code)


def may_organise(*, user) -> bool:
    """Whether the user may enter the organiser's area: staff, or an organiser of some event."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_staff or EventOrganiser.objects.filter(user=user).exists()


def organiser_events(*, user):
    """The events the user organises (staff organise every event), latest first. Any event
    outside this queryset is a 404 in the organiser's area."""
    if not getattr(user, "is_authenticated", False):
        return Event.objects.none()
    events = Event.objects.all() if user.is_staff else Event.objects.organised_by(user)
    return events.select_related("place").order_by("-starts_on", "pk")


def _count_of(model, **filters):
    rows = model.objects.filter(event=OuterRef("pk"), **filters).order_by().values("event").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def organiser_event_list(*, user) -> list[Event]:
    """The organiser's events with their numbers of stalls, assignments and open applications."""
    return list(
        organiser_events(user=user).annotate(
            stall_count=_count_of(Stall),
            assigned_count=_count_of(StallAssignment),
            submitted_count=_count_of(StallApplication, state=StallApplication.State.SUBMITTED),
        )
    )


@dataclass
class EventCounts:
    stalls: int = 0
    assigned: int = 0
    checked_in: int = 0
    accepted_without_stall: int = 0
    applications: list = field(default_factory=list)  # [(state value, label, count)] in the model's order
    fees: list = field(default_factory=list)  # [(fee value, label, count)]

    @property
    def free(self) -> int:
        return self.stalls - self.assigned

    @property
    def applications_total(self) -> int:
        return sum(count for _value, _label, count in self.applications)


def event_counts(*, event: Event) -> EventCounts:
    """Stalls assigned and free, exhibitors checked in, applications by state, fees by state."""
    by_state = dict(
        StallApplication.objects.filter(event=event).order_by().values_list("state").annotate(n=Count("pk"))
    )
    assignments = StallAssignment.objects.filter(event=event).order_by()
    by_fee = dict(assignments.values_list("fee_state").annotate(n=Count("pk")))
    totals = assignments.aggregate(assigned=Count("pk"), checked_in=Count("pk", filter=Q(checked_in_at__isnull=False)))
    accepted = by_state.get(StallApplication.State.ACCEPTED, 0)
    return EventCounts(
        stalls=Stall.objects.filter(event=event).count(),
        assigned=totals["assigned"],
        checked_in=totals["checked_in"],
        accepted_without_stall=max(accepted - totals["assigned"], 0),
        applications=[(value, label, by_state.get(value, 0)) for value, label in StallApplication.State.choices],
        fees=[(value, label, by_fee.get(value, 0)) for value, label in StallAssignment.Fee.choices],
    )


@dataclass(frozen=True)
class ZoneFigures:
    """One zone's stalls and the fees of its assigned stalls, by the fee's state."""

    zone: Zone
    stalls: int
    assigned: int
    fees_paid: Decimal
    fees_invoiced: Decimal
    fees_not_invoiced: Decimal
    paid: int
    invoiced: int
    not_invoiced: int

    @property
    def free(self) -> int:
        return self.stalls - self.assigned

    @property
    def fees_due(self) -> Decimal:
        """What the zone's exhibitors still owe: the fees not paid yet, invoiced or not."""
        return self.fees_invoiced + self.fees_not_invoiced


@dataclass
class EventFigures:
    currency: str
    zones: list[ZoneFigures]
    check_ins: list[tuple[date, int]]  # exhibitors checked in on each day, the fair's days in order

    def fees(self, state: str) -> Decimal:
        attribute = {"paid": "fees_paid", "invoiced": "fees_invoiced", "none": "fees_not_invoiced"}[state]
        return sum((getattr(zone, attribute) for zone in self.zones), Decimal(0))

    @property
    def fees_due(self) -> Decimal:
        return sum((zone.fees_due for zone in self.zones), Decimal(0))

    @property
    def fees_paid(self) -> Decimal:
        return self.fees("paid")


# A fair longer than this shows check-ins only on the days someone checked in.
CHECK_IN_DAYS_SHOWN = 31


def event_figures(*, event: Event) -> EventFigures:
    """The organiser's figures of an event: per zone, its stalls (assigned, free) and the fees
    of the assigned ones by state; the exhibitors checked in on each day of the fair (days
    outside it, when someone checked in early, too). Two queries."""
    fee = StallAssignment.Fee
    money = DecimalField(max_digits=14, decimal_places=2)

    def fees_of(state):
        return Coalesce(Sum("stalls__fee", filter=Q(stalls__assignments__fee_state=state)), Value(Decimal(0)), output_field=money)

    def count_of(state):
        return Count("stalls__assignments", filter=Q(stalls__assignments__fee_state=state))

    # A stall has at most one assignment (events_one_producer_per_stall): joining them counts each stall once.
    zones = (
        Zone.objects.filter(event=event)
        .annotate(
            stall_count=Count("stalls"),
            assigned_count=Count("stalls__assignments"),
            fees_paid=fees_of(fee.PAID),
            fees_invoiced=fees_of(fee.INVOICED),
            fees_not_invoiced=fees_of(fee.NONE),
            paid=count_of(fee.PAID),
            invoiced=count_of(fee.INVOICED),
            not_invoiced=count_of(fee.NONE),
        )
        .order_by("code", "pk")
    )
    by_day = dict(
        StallAssignment.objects.filter(event=event, checked_in_at__isnull=False)
        .annotate(day=TruncDate("checked_in_at"))
        .order_by()
        .values_list("day")
        .annotate(n=Count("pk"))
    )
    length = (event.ends_on - event.starts_on).days + 1
    days = set(by_day)
    if length <= CHECK_IN_DAYS_SHOWN:
        days |= {event.starts_on + timedelta(days=n) for n in range(length)}
    return EventFigures(
        currency=CURRENCY_BY_COUNTRY.get(event.place.country, "THB"),  # the fees' currency: the event's country's
        zones=[
            ZoneFigures(
                zone=zone, stalls=zone.stall_count, assigned=zone.assigned_count,
                fees_paid=zone.fees_paid, fees_invoiced=zone.fees_invoiced, fees_not_invoiced=zone.fees_not_invoiced,
                paid=zone.paid, invoiced=zone.invoiced, not_invoiced=zone.not_invoiced,
            )
            for zone in zones
        ],
        check_ins=[(day, by_day.get(day, 0)) for day in sorted(days)],
    )


def layout_zones(*, event: Event) -> list[Zone]:
    """The event's zones with their themes and numbers of stalls."""
    return list(
        Zone.objects.filter(event=event)
        .select_related("theme_category", "theme_region")
        .annotate(stall_count=Count("stalls"))
        .order_by("code")
    )


def next_block_top(*, event: Event, aisle: int = 3):
    """Where a new block of stalls may start without covering the existing ones: an aisle below
    the lowest stall (in metres from the hall's front wall)."""
    bottom = Stall.objects.filter(event=event).aggregate(bottom=Max(F("y") + F("depth")))["bottom"]
    return 0 if bottom is None else bottom + aisle


def layout_sources(*, user, event: Event):
    """Other events the user organises that have a layout to copy."""
    return (
        organiser_events(user=user)
        .exclude(pk=event.pk)
        .filter(Q(stalls__isnull=False) | Q(zones__isnull=False))
        .distinct()
    )


def application_filter_choices(*, event: Event) -> dict:
    """What the application filters offer: the top categories and the applicants' provinces."""
    province_ids = StallApplication.objects.filter(event=event).values("producer__province")
    return {
        "categories": Category.objects.filter(parent__isnull=True).order_by("position", "slug"),
        "provinces": Place.objects.filter(pk__in=province_ids).order_by("country", "name_en"),
    }


def event_applications(*, event: Event, state: str = "", category=None, province=None, needs=()):
    """The event's applications, filtered; producers who exhibited before first, then the
    earliest. `category` matches a product to exhibit in it or in one of its sub-categories."""
    applications = (
        StallApplication.objects.filter(event=event)
        .select_related("producer__province", "preferred_zone")
        .prefetch_related(
            "products__category",
            Prefetch("state_changes", queryset=ApplicationStateChange.objects.select_related("by")),
            Prefetch("assignments", queryset=StallAssignment.objects.select_related("stall")),
        )
        .order_by("-exhibited_before", "created_at", "pk")
    )
    if state:
        applications = applications.filter(state=state)
    if category is not None:
        in_category = StallApplication.products.through.objects.filter(
            Q(product__category=category) | Q(product__category__parent=category)
        ).values("stallapplication_id")
        applications = applications.filter(pk__in=in_category)
    if province is not None:
        applications = applications.filter(producer__province=province)
    for need in needs:
        if need in StallFeature.values:
            applications = applications.filter(**{StallFeature(need).need_field: True})
    return applications


def describe_applications(applications) -> list[StallApplication]:
    """Give each application `need_labels` (what it needs, translated) and, when its
    assignments were prefetched, `stall` (the stall it holds, or None)."""
    applications = list(applications)
    for application in applications:
        application.need_labels = [need.label for need in application.needs]
        if hasattr(application, "_prefetched_objects_cache") and "assignments" in application._prefetched_objects_cache:
            application.stall = next((a.stall for a in application.assignments.all()), None)
    return applications


@dataclass
class AssignmentPlan:
    geometry: FloorGeometry
    waiting: list[StallApplication]  # accepted, without a stall
    proposal: AssignmentProposal | None

    @property
    def zones(self) -> list[Zone]:
        return [area.zone for area in self.geometry.zones]

    @property
    def stalls(self) -> list[PlanStall]:
        return self.geometry.stalls

    @property
    def width(self) -> int:
        return self.geometry.width

    @property
    def height(self) -> int:
        return self.geometry.height

    @property
    def proposed_count(self) -> int:
        return sum(1 for s in self.stalls if s.proposed is not None)


def assignment_plan(*, event: Event, drawing: Drawing = ORGANISER_DRAWING) -> AssignmentPlan:
    """The floor plan to assign on: every stall placed on the drawing (events/geometry.py) with
    its holder and the application the latest automatic proposal would put there; the accepted
    applications still without a stall."""
    holders = {
        a.stall_id: a
        for a in StallAssignment.objects.filter(event=event)
        .select_related("producer")
        .only("stall_id", "application_id", "producer_id", *PRODUCER_NAME_FIELDS)
    }
    proposal = AssignmentProposal.objects.filter(event=event).order_by("-created_at", "-pk").first()
    proposed = {}
    if proposal is not None:
        pairs = {int(stall): int(app) for app, stall in proposal.pairs}
        applications = StallApplication.objects.filter(pk__in=pairs.values()).select_related("producer", "preferred_zone")
        by_id = {a.pk: a for a in applications}
        proposed = {stall: by_id[app] for stall, app in pairs.items() if app in by_id}
    geometry = floor_geometry(event=event, drawing=drawing, holders=holders, proposed=proposed)
    for area in geometry.zones:
        area.zone.plan_colour = area.colour  # goes into a <style> block: only a checked #rrggbb
    waiting = describe_applications(
        StallApplication.objects.filter(event=event, state=StallApplication.State.ACCEPTED)
        .exclude(pk__in=StallAssignment.objects.filter(event=event).values("application_id"))
        .select_related("producer", "preferred_zone")
        .order_by("-exhibited_before", "created_at", "pk")
    )
    return AssignmentPlan(geometry=geometry, waiting=waiting, proposal=proposal)


def stall_find(*, event: Event, code: str) -> Stall | None:
    """The event's stall with this code, or the only one whose code differs from it only in case
    (b-12 for B-12); None otherwise."""
    stalls = Stall.objects.filter(event=event)
    stall = stalls.filter(code=code).first()
    if stall is None:
        matches = list(stalls.filter(code__iexact=code)[:2])
        stall = matches[0] if len(matches) == 1 else None
    return stall


def event_proposals(*, event: Event) -> list[AssignmentProposal]:
    """The event's automatic assignment proposals, latest first."""
    return list(AssignmentProposal.objects.filter(event=event).select_related("event").order_by("-created_at", "-pk"))


def stall_list(*, event: Event) -> list[Stall]:
    """Every stall of the event in code order, each with `zone`, `features` and `holder` (its
    assignment with producer, province and application, or None): the CSV export and the
    printed plan."""
    holders = Prefetch(
        "assignments",
        queryset=StallAssignment.objects.filter(event=event).select_related("producer__province", "application"),
        to_attr="holders",
    )
    stalls = list(Stall.objects.filter(event=event).select_related("zone").prefetch_related(holders))
    for stall in stalls:
        stall.holder = stall.holders[0] if stall.holders else None
        stall.feature_labels = [feature.label for feature in stall.features]
    stalls.sort(key=lambda s: (s.zone.code, stall_code_order(s.code)))
    return stalls


def compact_stall_code(text: str) -> str:
    """A stall code as typed on a phone's keyboard compares equal to the code on the sign:
    "b2", "B 2" and "B-2" are one stall."""
    return re.sub(r"[\s\-_./·]+", "", text).upper()


def event_assignments(*, event: Event, query: str = "", zone: str = "") -> list[StallAssignment]:
    """The assigned stalls in code order (stall signs, check-in), optionally those of one zone
    (by its code) or those whose stall code (written with or without its dash) or producer name
    (in any of its languages) contains `query`; a stall whose code is the query comes first."""
    assignments = StallAssignment.objects.filter(event=event).select_related("stall__zone", "producer__province")
    if zone:
        assignments = assignments.filter(stall__zone__code=zone)
    query = query.strip()
    compact = compact_stall_code(query)
    if query:
        matches = (
            Q(stall__code__icontains=query)
            | Q(producer__name__icontains=query)
            | Q(producer__name_en__icontains=query)
            | Q(producer__name_ja__icontains=query)
        )
        if compact:
            code = Upper("stall__code")
            for separator in ("-", " ", "_", ".", "/", "·"):
                code = Replace(code, Value(separator), Value(""))
            assignments = assignments.alias(compact_code=code)
            matches |= Q(compact_code__contains=compact)
        assignments = assignments.filter(matches)

    def in_order(assignment: StallAssignment) -> tuple:
        code = assignment.stall.code
        return (bool(compact) and compact_stall_code(code) != compact, assignment.stall.zone.code, stall_code_order(code))

    return sorted(assignments, key=in_order)


# --- Public pages and the producer's applications ---------------------------------------------


def public_events() -> dict:
    """Events visitors may see, split into running now, to come and past."""
    from places.querysets import ANCESTOR_PATH

    today = timezone.localdate()
    events = list(Event.objects.public().select_related(f"place__{ANCESTOR_PATH}").order_by("starts_on"))
    return {
        "current_events": [e for e in events if e.starts_on <= today <= e.ends_on],
        "upcoming_events": [e for e in events if e.starts_on > today],
        "past_events": [e for e in reversed(events) if e.ends_on < today],
    }


def public_event(*, slug: str) -> Event:
    from places.querysets import ANCESTOR_PATH

    return Event.objects.public().select_related(f"place__{ANCESTOR_PATH}").get(slug=slug)


def event_exhibitors(*, event: Event, params) -> dict:
    """The exhibitors of an event with their stalls, searchable by name and filterable by
    category and province ("where is the silk from Khon Kaen?")."""
    from django.db.models import Exists, OuterRef, Q
    from django.db.models.functions import Length

    from catalogue.models import Category, Product
    from places.models import Place

    from .models import StallAssignment

    assignments = (
        StallAssignment.objects.filter(event=event, producer__state="verified")
        .select_related("stall__zone", "producer__province", "producer__place__parent__parent__parent__parent")
        .order_by("stall__zone__code", Length("stall__code"), "stall__code")  # A-2 before A-10
    )
    if event.status not in (Event.Status.PUBLISHED, Event.Status.FINISHED):
        assignments = assignments.none()  # the plan is not published yet
    q = (params.get("q") or "").strip()[:100]
    if q:
        assignments = assignments.filter(
            Q(producer__name__icontains=q) | Q(producer__name_en__icontains=q) | Q(producer__name_ja__icontains=q)
            | Q(stall__code__iexact=q)
        )
    category = Category.objects.filter(slug=params.get("category") or "", parent__isnull=True).first()
    if category:
        products = Product.objects.public().filter(producer=OuterRef("producer_id")).filter(
            Q(category=category) | Q(category__parent=category)
        )
        assignments = assignments.filter(Exists(products))
    province = Place.objects.filter(slug=params.get("province") or "", level="province").first()
    if province:
        assignments = assignments.filter(producer__province=province)
    provinces = Place.objects.filter(
        pk__in=StallAssignment.objects.filter(event=event).values("producer__province")
    ).order_by("name_en")
    return {
        "assignments": assignments,
        "categories": list(Category.objects.filter(parent__isnull=True)),
        "provinces": list(provinces),
        "selected_category": category,
        "selected_province": province,
        "q": q,
    }


def current_stalls_for(*, producer_id: int) -> list:
    """Where the producer exhibits today: "at OTOP City 2026, stall B-12"."""
    from .models import StallAssignment

    today = timezone.localdate()
    return list(
        StallAssignment.objects.filter(
            producer_id=producer_id, event__status=Event.Status.PUBLISHED, event__starts_on__lte=today, event__ends_on__gte=today
        ).select_related("event", "stall")
    )


def upcoming_events(*, limit: int) -> list[Event]:
    """The next `limit` events to come, with their place chain (the home page)."""
    from places.querysets import ANCESTOR_PATH

    return list(Event.objects.upcoming().select_related(f"place__{ANCESTOR_PATH}")[:limit])


def producer_applications(*, producer) -> dict:
    """The producer's applications, latest event first, each with `assignment` (its stall, with
    the fee and its state, or None), `reason` (the note of its latest move) and `can_withdraw`
    (the button is shown: the lifecycle allows it, the event has not begun and the producer has
    not checked in); and the events open for applications that it has not applied for yet."""
    from .lifecycles import APPLICATION_LIFECYCLE

    today = timezone.localdate()
    withdrawable = APPLICATION_LIFECYCLE.sources(StallApplication.State.WITHDRAWN)
    applications = list(
        StallApplication.objects.filter(producer=producer)
        .select_related("event__place", "preferred_zone")
        .prefetch_related(
            Prefetch("assignments", queryset=StallAssignment.objects.select_related("stall__zone")),
            Prefetch("state_changes", queryset=ApplicationStateChange.objects.order_by("at", "pk")),
        )
        .order_by("-event__starts_on", "-pk")
    )
    for application in applications:
        application.assignment = next(iter(application.assignments.all()), None)
        changes = list(application.state_changes.all())
        # The organisers' reason for the state the application is in, if they gave one.
        application.reason = changes[-1].note if changes and changes[-1].to_state == application.state else ""
        checked_in = application.assignment is not None and application.assignment.checked_in_at is not None
        application.can_withdraw = application.state in withdrawable and application.event.starts_on > today and not checked_in
    applied = {a.event_id for a in applications if a.state != StallApplication.State.WITHDRAWN}
    open_events = [e for e in Event.objects.filter(status=Event.Status.OPEN).order_by("starts_on") if e.pk not in applied]
    return {"applications": applications, "open_events": open_events}


def application_invoice(*, producer, pk: int) -> StallApplication:
    """The producer's application `pk` that holds a stall, for its invoice: with the event (and
    its organisers' names), the stall and zone, the producer and its place. DoesNotExist for any
    other (another producer's, one without a stall)."""
    application = (
        StallApplication.objects.filter(producer=producer, pk=pk, assignments__isnull=False)
        .select_related("event__place", "producer__province", "producer__place__parent__parent__parent__parent")
        .prefetch_related(
            Prefetch("assignments", queryset=StallAssignment.objects.select_related("stall__zone")),
            Prefetch("event__organisers", queryset=EventOrganiser.objects.select_related("user").order_by("pk")),
        )
        .get()
    )
    application.assignment = next(iter(application.assignments.all()))
    return application


@dataclass
class ExhibitorTerms:
    """What a producer should know before applying: the fees, the stalls' sizes, the rules."""

    event: Event
    tariff: object  # FeeTariff or None
    fee_min: object = None  # Decimal, or None without stalls
    fee_max: object = None
    sizes: list = field(default_factory=list)  # [(width, depth, how many stalls)], the commonest first
    stall_count: int = 0

    @property
    def currency(self) -> str:
        return self.event.currency

    @property
    def free_of_charge(self) -> bool:
        return self.stall_count > 0 and not self.fee_max


def exhibitor_terms(*, event: Event, sizes: int = 3) -> ExhibitorTerms:
    """The event's fees (the tariff, and the lowest and highest fee of its stalls), its stalls'
    commonest `sizes` and their number (two queries, three with a tariff)."""
    from .models import FeeTariff

    tariff = FeeTariff.objects.filter(event=event).first()
    if tariff is not None:
        tariff.event = event
    by_size = list(
        Stall.objects.filter(event=event).order_by().values("width", "depth")
        .annotate(n=Count("pk"), low=Min("fee"), high=Max("fee"))
    )
    by_size.sort(key=lambda row: (-row["n"], row["width"] * row["depth"]))
    return ExhibitorTerms(
        event=event,
        tariff=tariff,
        fee_min=min((row["low"] for row in by_size), default=None),
        fee_max=max((row["high"] for row in by_size), default=None),
        sizes=[(row["width"], row["depth"], row["n"]) for row in by_size[:sizes]],
        stall_count=sum(row["n"] for row in by_size),
    )


def event_organisers(*, event: Event) -> dict:
    """The event's organisers (by name) and its open invitations, latest first."""
    from .models import OrganiserInvitation

    return {
        "organisers": list(EventOrganiser.objects.filter(event=event).select_related("user").order_by("pk")),
        "invitations": list(
            OrganiserInvitation.objects.filter(event=event, answered_at__isnull=True).select_related("invited_by").order_by("-created_at", "-pk")
        ),
    }
