"""Demo events: OTOP City running now with four halls and 600 stalls, applications in every
state and a published assignment; last year's OTOP City; a regional fair open for applications;
a draft market in Oita."""

import random
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from catalogue.models import Category, Product
from core.demo import DemoSite, demo_step
from places.models import Place
from producers.models import Producer

from . import services
from .models import Event, EventOrganiser, StallApplication, StallAssignment

HALLS = [
    # code, English, Thai, Japanese, colour, theme category
    ("A", "Silk and textiles", "ผ้าไหมและสิ่งทอ", "シルク・織物", "#7a2e8e", "textiles-garments"),
    ("B", "Food and drink", "อาหารและเครื่องดื่ม", "食品・飲料", "#c0392b", "food"),
    ("C", "Handicrafts and home", "หัตถกรรมและของแต่งบ้าน", "工芸品・生活雑貨", "#1f6f8b", "household-decor-handicrafts"),
    ("D", "Herbs and wellness", "สมุนไพรและสุขภาพ", "ハーブ・ウェルネス", "#2e7d32", "herbal-non-food"),
]
ROWS, COLUMNS = 10, 15  # 150 stalls a hall, 600 in all


def _event(slug: str, **fields) -> Event:
    event, _created = Event.objects.update_or_create(slug=slug, defaults=fields)
    return event


def _layout(event: Event, organiser) -> None:
    if event.stalls.exists():
        return
    categories = {c.slug: c for c in Category.objects.filter(parent__isnull=True)}
    hall_width = COLUMNS * 3 + 6
    for index, (code, en, th, ja, colour, category) in enumerate(HALLS):
        zone = services.zone_save(
            event=event, by=organiser, code=code, name=en, name_th=th, name_ja=ja, colour=colour,
            theme_category=categories.get(category),
        )
        services.stall_grid_create(
            event=event, by=organiser, zone=zone, rows=ROWS, columns=COLUMNS, origin_x=Decimal(index * hall_width),
            origin_y=Decimal(0), corners=True, power_every=3,
        )
    # One fee for every stall, by a tariff (copied layouts keep the fees, and follow their own event's tariff).
    services.fee_tariff_save(event=event, by=organiser, basis="stall", single_fee=Decimal(1500), double_fee=Decimal(2800))


@transaction.atomic
def demo_events_create(*, organisers, rng: random.Random | None = None) -> list[Event]:
    rng = rng or random.Random(2026)
    organiser = organisers[0]
    today = timezone.localdate()
    pak_kret = Place.objects.get(country="TH", level="district", code="1206")  # IMPACT Muang Thong Thani
    chiang_mai = Place.objects.get(country="TH", level="province", code="50")
    oita = Place.objects.get(country="JP", level="province", code="44")
    common = {
        "venue": "IMPACT Muang Thong Thani", "place": pak_kret,
        "map_url": "https://www.openstreetmap.org/?mlat=13.9127&mlon=100.5468#map=16/13.9127/100.5468",
        "organiser_name": "OTOP City organising committee", "organiser_address": "99 Popular Road, Ban Mai, Pak Kret, Nonthaburi 11120",
    }
    past = _event(
        f"otop-city-{today.year - 1}", name=f"OTOP City {today.year - 1}", name_th=f"OTOP City {today.year + 542}",
        name_ja=f"OTOPシティ{today.year - 1}", starts_on=today - timedelta(days=368), ends_on=today - timedelta(days=360),
        status=Event.Status.DRAFT, **common,
    )
    current = _event(
        f"otop-city-{today.year}", name=f"OTOP City {today.year}", name_th=f"OTOP City {today.year + 543}",
        name_ja=f"OTOPシティ{today.year}", starts_on=today - timedelta(days=3), ends_on=today + timedelta(days=5),
        status=Event.Status.DRAFT, **common,
    )
    future = _event(
        f"northern-otop-fair-{today.year + 1}", name=f"Northern OTOP Fair {today.year + 1}",
        name_th=f"งาน OTOP ภาคเหนือ {today.year + 544}", name_ja=f"北部OTOPフェア{today.year + 1}",
        venue="Chiang Mai International Exhibition and Convention Centre", place=chiang_mai,
        starts_on=today + timedelta(days=75), ends_on=today + timedelta(days=81), status=Event.Status.DRAFT,
        map_url="https://www.openstreetmap.org/?mlat=18.8057&mlon=98.9495#map=16/18.8057/98.9495",
        requirements="Bring your own table cloth. Food stalls need a food safety certificate (Sor Bor Tor or GMP).",
        organiser_name="Northern OTOP Network", organiser_address="Chiang Mai International Exhibition and Convention Centre, Chiang Mai 50200",
    )
    draft = _event(
        f"oita-ovop-market-{today.year + 1}", name=f"Oita One Village One Product Market {today.year + 1}",
        name_th=f"ตลาดหนึ่งหมู่บ้านหนึ่งผลิตภัณฑ์โออิตะ {today.year + 544}", name_ja=f"大分一村一品マーケット{today.year + 1}",
        venue="Oita Station Square", place=oita, starts_on=today + timedelta(days=140), ends_on=today + timedelta(days=142),
        status=Event.Status.DRAFT,
    )
    events = [past, current, future, draft]
    for event in events:
        for user in organisers:
            EventOrganiser.objects.get_or_create(event=event, user=user)
    if current.stalls.exists():
        return events

    _layout(past, organiser)
    services.layout_copy(source=past, target=current, by=organiser)
    services.layout_copy(source=past, target=future, by=organiser)

    producers = list(Producer.objects.public().order_by("pk"))
    rng.shuffle(producers)
    # Last year's fair: a third of the producers exhibited (they get priority this year).
    services.event_set_status(event=past, by=organiser, status=Event.Status.OPEN)
    _applications(past, producers[: len(producers) // 3], organiser, rng, accept_all=True)
    services.event_set_status(event=past, by=organiser, status=Event.Status.CLOSED)
    _assign(past, organiser)
    services.event_set_status(event=past, by=organiser, status=Event.Status.PUBLISHED)
    services.event_set_status(event=past, by=organiser, status=Event.Status.FINISHED)

    # This year's: applications in every state, the accepted ones assigned, the plan published.
    services.event_set_status(event=current, by=organiser, status=Event.Status.OPEN)
    _applications(current, producers, organiser, rng, accept_all=False)
    services.event_set_status(event=current, by=organiser, status=Event.Status.CLOSED)
    _assign(current, organiser)
    for assignment in StallAssignment.objects.filter(event=current).order_by("pk")[::2]:
        services.stall_fee_set(assignment=assignment, by=organiser, state=rng.choice(["invoiced", "paid", "paid"]))
        services.exhibitor_check_in(assignment=assignment, by=organiser)
    services.event_set_status(event=current, by=organiser, status=Event.Status.PUBLISHED)

    # Next year's regional fair sets its fees by a tariff, and is open: a few applications came in already.
    services.fee_tariff_save(
        event=future, by=organiser, basis="stall", single_fee=Decimal(1200), double_fee=Decimal(2200),
        corner_surcharge=Decimal(300), power_surcharge=Decimal(200),
    )
    services.event_set_status(event=future, by=organiser, status=Event.Status.OPEN)
    _applications(future, producers[:12], organiser, rng, accept_all=False, decide=False)
    return events


def _applications(event, producers, organiser, rng, *, accept_all: bool, decide: bool = True) -> None:
    zones = list(event.zones.all())
    for producer in producers:
        manager = producer.memberships.filter(role="manager").select_related("user").first()
        if manager is None:
            continue
        products = list(Product.objects.filter(producer=producer, status="published")[:3])
        application = services.application_submit(
            event=event, producer=producer, by=manager.user, preferred_zone=rng.choice(zones + [None]), products=products,
            needs_power=rng.random() < 0.3, needs_corner=rng.random() < 0.08, note="",
        )
        if not decide:
            continue
        roll = 0 if accept_all else rng.random()
        if roll < 0.7:
            services.application_transition(application=application, to_state=StallApplication.State.ACCEPTED, by=organiser)
        elif roll < 0.8:
            services.application_transition(application=application, to_state=StallApplication.State.WAITLISTED, by=organiser)
        elif roll < 0.9:
            services.application_transition(application=application, to_state=StallApplication.State.REJECTED, by=organiser, note="Hall full for this category.")
        elif roll < 0.95:
            services.application_transition(application=application, to_state=StallApplication.State.WITHDRAWN, by=manager.user)
        # the rest stay submitted


def _assign(event, organiser) -> None:
    proposal = services.assignment_propose(event=event, by=organiser)
    services.proposal_accept(proposal=proposal, by=organiser)


@demo_step(order=70, label="events", summary="events")
def demo_events_step(site: DemoSite) -> str:
    # Deciding applications and giving stalls e-mail the producers: not while seeding (their
    # e-mails are tasks, dropped by the dummy backend; in-process sends go nowhere either).
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}},
    ):
        events = demo_events_create(organisers=[site.made["accounts"]["organiser"]], rng=site.rng)
    return f"{len(events)} events"
