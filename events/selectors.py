"""The reads of the event pages."""

from django.utils import timezone

from .models import Event


def pickup_events_for(producer) -> list[Event]:
    """Published events, running or to come, where the producer has a stall: a buyer may pick up
    their order there."""
    return list(
        Event.objects.filter(
            status=Event.Status.PUBLISHED, ends_on__gte=timezone.localdate(), assignments__producer=producer
        ).order_by("starts_on")
    )


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

    from catalogue.models import Category, Product
    from places.models import Place

    from .models import StallAssignment

    assignments = (
        StallAssignment.objects.filter(event=event, producer__state="verified")
        .select_related("stall__zone", "producer__province", "producer__place__parent__parent__parent__parent")
        .order_by("stall__zone__code", "stall__code")
    )
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


def producer_applications(*, producer) -> dict:
    from .models import StallApplication

    applications = list(
        StallApplication.objects.filter(producer=producer)
        .select_related("event", "preferred_zone")
        .prefetch_related("assignments__stall")
        .order_by("-event__starts_on")
    )
    applied = {a.event_id for a in applications if a.state != StallApplication.State.WITHDRAWN}
    open_events = [e for e in Event.objects.filter(status=Event.Status.OPEN).order_by("starts_on") if e.pk not in applied]
    return {"applications": applications, "open_events": open_events}


# --- The organiser's area ----------------------------------------------------------------------

import re  # noqa: E402
from collections import Counter  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from decimal import Decimal  # noqa: E402

from django.db.models import Count, Prefetch, Q  # noqa: E402

from catalogue.models import Category  # noqa: E402
from places.models import Place  # noqa: E402

from .models import (  # noqa: E402
    ApplicationStateChange,
    AssignmentProposal,
    Stall,
    StallApplication,
    StallAssignment,
    Zone,
)

NEEDS = ("power", "corner", "double")
PLAN_SCALE = 12  # pixels per metre on the organiser's floor plan
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
DEFAULT_ZONE_COLOUR = "#7a2e8e"
