"""The figures of the organiser's overviews: an event's applications by state, its stalls and
fees by zone (in the event's currency), its check-ins by fair day; the organiser's events by
stalls assigned. Only the event's organisers (and staff) see them, in a fixed number of
queries however many applications and stalls there are."""

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from events import selectors, services
from events.models import Event, StallApplication, StallAssignment
from places.models import Place
from tests.factories import EventFactory, OrganiserFactory, ProducerFactory, UserFactory, log_in
from tests.pages import page_queries

ACCEPTED = StallApplication.State.ACCEPTED
pytestmark = pytest.mark.django_db


def overview(event) -> str:
    return f"/organiser/{event.slug}/"


def assign(event, organiser, application, stall) -> StallAssignment:
    return services.stall_assign(application=application, stall=stall, by=organiser)


def checked_in_on(assignment, day, hour=9) -> None:
    """Record `assignment` as checked in at `hour` o'clock of `day` (the site's time zone)."""
    at = timezone.make_aware(datetime.combine(day, time(hour)))
    StallAssignment.objects.filter(pk=assignment.pk).update(checked_in_at=at)


@pytest.fixture
def fair(event, organiser, layout, make_application):
    """Zone A: 4 stalls at 1,500 baht, two assigned (one paid, one invoiced); zone B: 6 stalls
    at 1,200, one assigned (not invoiced). Applications: 4 accepted, 2 submitted, 1 rejected."""
    accepted = [make_application(event, state=ACCEPTED) for _ in range(4)]
    for _ in range(2):
        make_application(event, state="submitted")
    make_application(event, state="rejected")
    stalls = layout["stalls"]
    a1 = assign(event, organiser, accepted[0], stalls["A-1"])
    a2 = assign(event, organiser, accepted[1], stalls["A-2"])
    b1 = assign(event, organiser, accepted[2], stalls["B-1"])
    services.stall_fee_set(assignment=a1, by=organiser, state="paid")
    services.stall_fee_set(assignment=a2, by=organiser, state="invoiced")
    return {"A-1": a1, "A-2": a2, "B-1": b1}


def test_stalls_and_fees_are_counted_by_zone_and_by_the_fees_state(event, fair):
    figures = selectors.event_figures(event=event)
    zone_a, zone_b = figures.zones
    assert (zone_a.zone.code, zone_a.stalls, zone_a.assigned, zone_a.free) == ("A", 4, 2, 2)
    assert (zone_a.fees_paid, zone_a.fees_invoiced, zone_a.fees_not_invoiced) == (Decimal(1500), Decimal(1500), Decimal(0))
    assert (zone_a.paid, zone_a.invoiced, zone_a.not_invoiced) == (1, 1, 0)
    assert (zone_b.zone.code, zone_b.stalls, zone_b.assigned, zone_b.free) == ("B", 6, 1, 5)
    assert (zone_b.fees_paid, zone_b.fees_due) == (Decimal(0), Decimal(1200))
    assert (figures.fees_paid, figures.fees_due, figures.currency) == (Decimal(1500), Decimal(2700), "THB")


def test_check_ins_are_counted_on_each_day_of_the_fair(event, fair):
    first = event.starts_on
    checked_in_on(fair["A-1"], first)
    checked_in_on(fair["A-2"], first, hour=23)  # late evening in Bangkok, the next day in UTC
    checked_in_on(fair["B-1"], first + timedelta(days=2))
    check_ins = selectors.event_figures(event=event).check_ins
    assert len(check_ins) == (event.ends_on - event.starts_on).days + 1
    assert check_ins[:4] == [(first, 2), (first + timedelta(days=1), 0), (first + timedelta(days=2), 1), (first + timedelta(days=3), 0)]


def test_a_check_in_before_the_fair_shows_on_its_own_day(event, fair):
    checked_in_on(fair["A-1"], event.starts_on - timedelta(days=1))
    check_ins = selectors.event_figures(event=event).check_ins
    assert check_ins[0] == (event.starts_on - timedelta(days=1), 1)


def test_the_overview_draws_applications_stalls_fees_and_check_ins(organiser_client, event, fair):
    services.exhibitor_check_in(assignment=fair["A-1"], by=fair["A-1"].assigned_by)
    page = organiser_client.get(overview(event)).content.decode()
    for chart in ("applications", "occupancy", "fees", "check-ins"):
        assert f'data-chart="{chart}"' in page
    assert page.count("<svg") == 4 and page.count('<details class="chart__table">') == 4
    assert '<tr data-row="submitted"><th scope="row"><a href="/organiser/otop-fair-bangkok/applications/?state=submitted">Submitted</a></th><td>2</td>' in page
    assert '<tr data-row="A"><th scope="row">A · Silk hall</th><td>2</td><td>2</td><td>4</td></tr>' in page
    assert '<tr data-row="A"><th scope="row">A · Silk hall</th><td>฿1,500</td><td>฿1,500</td><td>฿0</td><td>฿3,000</td><td>1</td><td>1</td></tr>' in page
    assert '<strong data-fees="due">฿2,700</strong>' in page
    assert "7 applications in all" in page


def test_a_japanese_fair_shows_its_fees_in_yen(client, places):
    oita = Place.objects.get(country="JP", level="province", name_en="Oita")
    fair = EventFactory(name="Oita OVOP Market", slug="oita-ovop", place=oita, status=Event.Status.OPEN)
    organiser = OrganiserFactory(event=fair, user=UserFactory(username="hanako")).user
    zone = services.zone_save(event=fair, by=organiser, code="A", name="Kabosu hall", colour="#1e6b3a")
    services.stall_grid_create(event=fair, by=organiser, zone=zone, rows=1, columns=2, fee=Decimal("15000"))
    application = StallApplication.objects.create(event=fair, producer=ProducerFactory(place=oita), state=ACCEPTED)
    assign(fair, organiser, application, fair.stalls.get(code="A-1"))
    page = log_in(client, organiser).get(overview(fair)).content.decode()
    assert '<strong data-fees="due">¥15,000</strong>' in page and "¥15,000.00" not in page and "฿" not in page
    page = client.get(f"/ja{overview(fair)}").content.decode()
    assert "¥15,000" in page


def test_a_new_event_says_there_is_nothing_to_draw_yet(organiser_client, event):
    page = organiser_client.get(overview(event)).content.decode()
    assert "No applications yet." in page
    assert "No stalls yet: lay out zones and stalls first." in page
    assert "No fee is due yet: no assigned stall has a fee." in page
    assert "Nobody has checked in yet." in page
    assert "<svg" not in page[page.index('data-figures="applications"'):]


def test_the_organisers_home_draws_each_events_stalls(organiser_client, event, fair, other_event):
    page = organiser_client.get("/organiser/").content.decode()
    assert 'data-chart="events-occupancy"' in page and "<svg" in page
    assert '<tr data-row="otop-fair-bangkok"><th scope="row">OTOP Fair Bangkok</th><td>3</td><td>7</td><td>10</td><td>2</td></tr>' in page
    assert "Oita OVOP Market" not in page  # not theirs


def test_another_events_organiser_never_sees_the_figures(client, event, fair, other_event, other_organiser):
    log_in(client, other_organiser)
    assert client.get(overview(event)).status_code == 404
    page = client.get("/organiser/").content.decode()
    assert "OTOP Fair Bangkok" not in page and "None of your events has stalls yet." in page


def test_a_producer_who_organises_nothing_does_not_enter(client, event, fair):
    log_in(client, UserFactory(username="visitor"))
    assert client.get(overview(event)).status_code == 404


@pytest.mark.parametrize(("path", "most"), [("/organiser/", 6), ("/organiser/otop-fair-bangkok/", 10)])
def test_the_overviews_read_the_same_queries_for_3_applications_as_for_30(
    organiser_client, organiser, event, layout, make_application, path, most, django_assert_max_num_queries
):
    stalls = list(layout["stalls"].values())
    for n in range(3):
        assign(event, organiser, make_application(event, state=ACCEPTED), stalls[n])
    few = page_queries(organiser_client, path)
    for n in range(3, 30):
        application = make_application(event, state=(ACCEPTED, "submitted", "waitlisted")[n % 3])
        if application.state == ACCEPTED and n < len(stalls):
            assignment = assign(event, organiser, application, stalls[n])
            checked_in_on(assignment, event.starts_on + timedelta(days=n % 4))
    for _ in range(3):
        OrganiserFactory(user=organiser)  # more events of theirs on the home page
    assert page_queries(organiser_client, path) == few
    with django_assert_max_num_queries(most):
        organiser_client.get(path)
