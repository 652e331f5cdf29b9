"""Organisers' and producers' changes that cross: each runs on its own connection, one paused
inside its transaction while the other starts, so the test decides who goes first. Whatever the
order, no withdrawn application keeps a stall, no stall or application has two assignments, an
organiser whose change lost is told so, and the database refuses rows that mix two events."""

import threading
import time
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models.signals import post_delete, post_save
from django.urls import reverse
from django.utils import translation

from events import services
from events.models import ApplicationStateChange, Event, Stall, StallApplication, StallAssignment
from tests.factories import EventFactory, ProducerFactory, ProducerMembershipFactory, UserFactory

ACCEPTED = StallApplication.State.ACCEPTED
WITHDRAWN = StallApplication.State.WITHDRAWN
CROSSING_MESSAGE = "Another organiser changed these stalls at the same moment: look at the plan again."
# How long a paused change waits to see the other one queue behind it; far more than needed.
WAIT_SECONDS = 5
JOIN_SECONDS = 15


@pytest.fixture(autouse=True)
def in_english():
    """The messages compared here are the English ones (the threads start without a language)."""
    with translation.override("en"):
        yield


# --- Running two changes against each other ----------------------------------------------------


@dataclass
class Crossing:
    """What each change returned or raised, and whether the second waited for the first's locks."""

    first: object
    second: object
    second_waited: bool


def _backend_pid() -> int:
    connection.ensure_connection()
    return connection.connection.info.backend_pid


def _until_waiting(first_pid: int, pids: dict, second_done: threading.Event) -> bool:
    """True once the second change waits for a lock the first holds; False if it finished
    without waiting (or never started waiting in time)."""
    deadline = time.monotonic() + WAIT_SECONDS
    with connection.cursor() as cursor:
        while time.monotonic() < deadline and not second_done.is_set():
            if "second" in pids:
                cursor.execute("SELECT %s = ANY(pg_blocking_pids(%s))", [first_pid, pids["second"]])
                if cursor.fetchone()[0]:
                    return True
            time.sleep(0.01)
    return False


def cross(first, second, *, pause_after) -> Crossing:
    """Run `first()` on its own connection until a post_save for which
    `pause_after(sender, instance, created)` holds, inside its transaction. There it pauses while
    `second()` starts on another connection, and goes on to commit once `second` waits for one of
    its locks, or has finished without waiting."""
    outcomes, pids, waited = {}, {}, []
    paused, second_done = threading.Event(), threading.Event()

    def pause(sender, instance, created=False, **kwargs):
        if threading.current_thread() is not first_thread or paused.is_set() or not pause_after(sender, instance, created):
            return
        paused.set()
        waited.append(_until_waiting(pids["first"], pids, second_done))

    def run(name, work, done):
        try:
            pids[name] = _backend_pid()
            outcomes[name] = work()
        except Exception as error:  # noqa: BLE001 - the test looks at whatever came out
            outcomes[name] = error
        finally:
            connection.close()
            done.set()

    first_done = threading.Event()
    first_thread = threading.Thread(target=run, args=("first", first, first_done))
    second_thread = threading.Thread(target=run, args=("second", second, second_done))
    post_save.connect(pause, weak=False, dispatch_uid="test-races-pause")
    try:
        first_thread.start()
        deadline = time.monotonic() + WAIT_SECONDS
        while not (paused.is_set() or first_done.is_set()) and time.monotonic() < deadline:
            time.sleep(0.005)
        assert paused.is_set(), f"the first change never reached its pause: {outcomes.get('first')!r}"
        second_thread.start()
        first_thread.join(JOIN_SECONDS)
        second_thread.join(JOIN_SECONDS)
    finally:
        post_save.disconnect(dispatch_uid="test-races-pause")
    assert not first_thread.is_alive() and not second_thread.is_alive(), "a change never finished"
    return Crossing(first=outcomes["first"], second=outcomes["second"], second_waited=waited == [True])


def assert_plan_consistent(event: Event) -> None:
    """No withdrawn (or otherwise not accepted) application holds a stall, and no stall or
    application has two assignments."""
    assignments = list(StallAssignment.objects.filter(event=event).select_related("application"))
    assert [a for a in assignments if a.application.state != ACCEPTED] == []
    assert len({a.stall_id for a in assignments}) == len(assignments)
    assert len({a.application_id for a in assignments}) == len(assignments)


# --- A fair laid out and applied to through the services ---------------------------------------


@dataclass
class Exhibitor:
    producer: object
    manager: object
    application: StallApplication


@dataclass
class Fair:
    event: Event
    organiser: object
    exhibitors: list

    def stall(self, code: str) -> Stall:
        return Stall.objects.get(event=self.event, code=code)


@pytest.fixture
def fair(places):
    """An open fair with one row of four stalls (A-1 … A-4) and two accepted applications."""
    organiser = UserFactory(username="race-organiser", is_staff=True)
    event = EventFactory(slug="race-fair", status=Event.Status.OPEN)
    zone = services.zone_save(event=event, by=organiser, code="A", name="Silk hall")
    services.stall_grid_create(event=event, by=organiser, zone=zone, rows=1, columns=4)
    exhibitors = []
    for number, name in enumerate(["Tha Sawang Silk Weavers", "Chonnabot Mudmee Group"]):
        producer = ProducerFactory(name_en=name, slug=f"race-exhibitor-{number}", state="verified")
        manager = ProducerMembershipFactory(producer=producer, role="manager").user
        application = services.application_submit(event=event, producer=producer, by=manager)
        application = services.application_transition(application=application, to_state=ACCEPTED, by=organiser)
        exhibitors.append(Exhibitor(producer, manager, application))
    return Fair(event, organiser, exhibitors)


def _fresh(application: StallApplication) -> StallApplication:
    return StallApplication.objects.get(pk=application.pk)


# --- A stall given by hand while the producer withdraws -----------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_withdrawal_during_a_hand_assignment_waits_for_it_and_then_frees_the_stall(fair):
    exhibitor = fair.exhibitors[0]
    stall = fair.stall("A-1")

    crossing = cross(
        lambda: services.stall_assign(application=_fresh(exhibitor.application), stall=stall, by=fair.organiser),
        lambda: services.application_transition(application=_fresh(exhibitor.application), to_state=WITHDRAWN, by=exhibitor.manager),
        pause_after=lambda sender, instance, created: sender is StallAssignment and created,
    )

    application = _fresh(exhibitor.application)
    assert application.state == WITHDRAWN
    assert not StallAssignment.objects.filter(application=application).exists()
    assert not StallAssignment.objects.filter(stall=stall).exists()
    assert_plan_consistent(fair.event)
    assert isinstance(crossing.first, StallAssignment)
    assert isinstance(crossing.second, StallApplication) and crossing.second.state == WITHDRAWN
    # The withdrawal queued behind the assignment (both lock the application), so it saw the
    # new stall and gave it back.
    assert crossing.second_waited
    assert list(application.state_changes.values_list("to_state", flat=True)) == ["submitted", "accepted", "withdrawn"]


@pytest.mark.django_db(transaction=True)
def test_a_hand_assignment_during_a_withdrawal_waits_for_it_and_is_refused(fair):
    exhibitor = fair.exhibitors[0]
    stall = fair.stall("A-1")

    crossing = cross(
        lambda: services.application_transition(application=_fresh(exhibitor.application), to_state=WITHDRAWN, by=exhibitor.manager),
        lambda: services.stall_assign(application=_fresh(exhibitor.application), stall=stall, by=fair.organiser),
        pause_after=lambda sender, instance, created: sender is ApplicationStateChange and created and instance.to_state == WITHDRAWN,
    )

    assert _fresh(exhibitor.application).state == WITHDRAWN
    assert not StallAssignment.objects.filter(event=fair.event).exists()
    assert_plan_consistent(fair.event)
    assert isinstance(crossing.first, StallApplication) and crossing.first.state == WITHDRAWN
    assert isinstance(crossing.second, ValidationError)
    assert crossing.second.messages == ["Accept the application before giving it a stall."]
    assert crossing.second_waited


# --- A swap while another organiser gives one of its stalls away --------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_swap_into_a_stall_being_given_away_waits_and_swaps_both_exhibitors(fair):
    moved, newcomer = fair.exhibitors
    first_stall, second_stall = fair.stall("A-1"), fair.stall("A-2")
    services.stall_assign(application=moved.application, stall=first_stall, by=fair.organiser)

    crossing = cross(
        lambda: services.stall_assign(application=_fresh(newcomer.application), stall=second_stall, by=fair.organiser),
        lambda: services.stalls_swap(event=fair.event, first=first_stall, second=second_stall, by=fair.organiser),
        pause_after=lambda sender, instance, created: (
            sender is StallAssignment and created and instance.application_id == newcomer.application.pk
        ),
    )

    for outcome in (crossing.first, crossing.second):
        assert not isinstance(outcome, Exception) or isinstance(outcome, ValidationError), repr(outcome)
    assert isinstance(crossing.first, StallAssignment)
    assert crossing.second is None  # the swap went through
    assert crossing.second_waited
    holders = dict(StallAssignment.objects.filter(event=fair.event).values_list("application_id", "stall__code"))
    # Nobody lost: the exhibitor being moved still has a stall, and so does the newcomer.
    assert holders == {moved.application.pk: "A-2", newcomer.application.pk: "A-1"}
    assert_plan_consistent(fair.event)


@pytest.mark.django_db(transaction=True)
def test_a_hand_assignment_into_a_stall_being_swapped_waits_and_is_told_who_has_it(fair):
    moved, newcomer = fair.exhibitors
    first_stall, second_stall = fair.stall("A-1"), fair.stall("A-2")
    services.stall_assign(application=moved.application, stall=first_stall, by=fair.organiser)

    crossing = cross(
        lambda: services.stalls_swap(event=fair.event, first=first_stall, second=second_stall, by=fair.organiser),
        lambda: services.stall_assign(application=_fresh(newcomer.application), stall=second_stall, by=fair.organiser),
        pause_after=lambda sender, instance, created: (
            sender is StallAssignment and created and instance.application_id == moved.application.pk
        ),
    )

    assert crossing.first is None
    assert isinstance(crossing.second, ValidationError)
    assert crossing.second.messages == ["Stall A-2 was just given to Tha Sawang Silk Weavers by another organiser."]
    assert crossing.second_waited
    holders = dict(StallAssignment.objects.filter(event=fair.event).values_list("application_id", "stall__code"))
    assert holders == {moved.application.pk: "A-2"}
    assert_plan_consistent(fair.event)


# --- Two organisers laying out the same zone at once --------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_grid_made_while_another_organiser_makes_one_in_the_same_zone_is_refused_with_a_message(fair, monkeypatch):
    zone = fair.event.zones.get(code="A")
    rival = UserFactory(username="race-rival", is_staff=True)
    outcomes = {}
    numbered, rival_done = threading.Event(), threading.Event()
    full_clean = Stall.full_clean

    def pausing_full_clean(stall, *args, **kwargs):
        # The loser has numbered its stalls (A-5 …) when the rival makes and commits its own.
        if threading.current_thread() is loser and not numbered.is_set():
            numbered.set()
            rival_done.wait(WAIT_SECONDS)
        return full_clean(stall, *args, **kwargs)

    monkeypatch.setattr(Stall, "full_clean", pausing_full_clean)

    def make_grid(name, by, done=None):
        try:
            outcomes[name] = services.stall_grid_create(event=fair.event, by=by, zone=zone, rows=1, columns=3)
        except Exception as error:  # noqa: BLE001 - the test looks at whatever came out
            outcomes[name] = error
        finally:
            connection.close()
            if done is not None:
                done.set()

    loser = threading.Thread(target=make_grid, args=("loser", fair.organiser))
    winner = threading.Thread(target=make_grid, args=("winner", rival, rival_done))
    loser.start()
    assert numbered.wait(WAIT_SECONDS)
    winner.start()
    winner.join(JOIN_SECONDS)
    loser.join(JOIN_SECONDS)
    assert not loser.is_alive() and not winner.is_alive()

    assert [stall.code for stall in outcomes["winner"]] == ["A-5", "A-6", "A-7"]
    assert isinstance(outcomes["loser"], ValidationError), repr(outcomes["loser"])
    assert outcomes["loser"].messages == ["Another organiser added stalls at the same moment: look at the layout again and retry."]
    codes = sorted(Stall.objects.filter(zone=zone).values_list("code", flat=True))
    assert codes == ["A-1", "A-2", "A-3", "A-4", "A-5", "A-6", "A-7"]
    # Asked again, the loser's block is numbered on from the rival's.
    again = services.stall_grid_create(event=fair.event, by=fair.organiser, zone=zone, rows=1, columns=3)
    assert [stall.code for stall in again] == ["A-8", "A-9", "A-10"]


# --- The plan page when two organisers' changes cross -------------------------------------------


class DeadlockDetected(Exception):
    """Stands for psycopg's error, which carries the SQLSTATE the plan view looks at."""

    def __init__(self, sqlstate: str):
        super().__init__(f"SQLSTATE {sqlstate}")
        self.sqlstate = sqlstate


def _raising(sqlstate: str | None):
    """Taking the stalls' locks fails as the database fails it, with this SQLSTATE."""

    def select_for_update(*args, **kwargs):
        cause = DeadlockDetected(sqlstate) if sqlstate else None
        raise OperationalError("deadlock detected") from cause

    return select_for_update


@pytest.fixture
def swap_ready(event, organiser, layout, make_application):
    """Exhibitor X in A-1; A-2 free; Y accepted but waiting for a stall."""
    x = make_application(event, state=ACCEPTED, name_en="Crossing Weavers")
    y = make_application(event, state=ACCEPTED, name_en="Crossing Potters")
    services.stall_assign(application=x, stall=layout["stalls"]["A-1"], by=organiser)
    return {"x": x, "y": y, "stalls": [layout["stalls"]["A-1"].pk, layout["stalls"]["A-2"].pk]}


def _plan(event):
    return reverse("events:organiser_plan", args=[event.slug])


def _holders(event) -> dict:
    return dict(StallAssignment.objects.filter(event=event).values_list("stall__code", "application_id"))


@pytest.mark.django_db
@pytest.mark.parametrize("sqlstate", ["40P01", "40001"])
def test_the_plan_turns_a_deadlock_between_organisers_into_a_message(organiser_client, event, swap_ready, monkeypatch, sqlstate):
    before = _holders(event)
    monkeypatch.setattr(Stall.objects, "select_for_update", _raising(sqlstate))

    response = organiser_client.post(_plan(event), {"mode": "swap", "stalls": swap_ready["stalls"]})

    assert response.status_code == 200
    assert CROSSING_MESSAGE in response.content.decode()
    assert response.context["mode"] == "swap"
    assert response.context["selected_stalls"] == [str(pk) for pk in swap_ready["stalls"]]
    assert _holders(event) == before == {"A-1": swap_ready["x"].pk}


@pytest.mark.django_db
def test_a_swap_that_meets_a_stall_taken_at_that_moment_is_refused_with_a_message(organiser_client, event, swap_ready):
    """Another organiser's assignment lands in the free stall between the swap reading the plan
    and writing it (done here in the swap's own transaction: the database's unique constraint
    refuses the move exactly as it would refuse a committed one)."""
    taken = []

    def give_the_free_stall_away(sender, instance, **kwargs):
        if sender is StallAssignment and instance.application_id == swap_ready["x"].pk and not taken:
            taken.append(
                StallAssignment.objects.create(
                    event=event, stall_id=swap_ready["stalls"][1], application=swap_ready["y"], producer_id=swap_ready["y"].producer_id
                )
            )

    post_delete.connect(give_the_free_stall_away, weak=False, dispatch_uid="test-races-take")
    try:
        response = organiser_client.post(_plan(event), {"mode": "swap", "stalls": swap_ready["stalls"]})
    finally:
        post_delete.disconnect(dispatch_uid="test-races-take")

    assert taken, "the swap never deleted the moved assignment"
    assert response.status_code == 200
    assert CROSSING_MESSAGE in response.content.decode()
    # Nothing of the swap stays, and neither does what it met (in this test, the same transaction).
    assert _holders(event) == {"A-1": swap_ready["x"].pk}


@pytest.mark.django_db
@pytest.mark.parametrize("sqlstate", [None, "57014", "08006"])
def test_the_plan_does_not_hide_other_database_failures(organiser_client, event, swap_ready, monkeypatch, sqlstate):
    monkeypatch.setattr(Stall.objects, "select_for_update", _raising(sqlstate))

    with pytest.raises(OperationalError):
        organiser_client.post(_plan(event), {"mode": "swap", "stalls": swap_ready["stalls"]})
    # Left to the site's error page (503 when the database fails), not passed off as a crossing.
    organiser_client.raise_request_exception = False
    response = organiser_client.post(_plan(event), {"mode": "swap", "stalls": swap_ready["stalls"]})
    assert response.status_code == 503
    assert CROSSING_MESSAGE not in response.content.decode()


# --- What the database refuses whatever the code does --------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_database_refuses_a_stall_in_another_events_zone_and_an_assignment_across_events(fair):
    exhibitor = fair.exhibitors[0]
    other = EventFactory(slug="race-other-fair", status=Event.Status.OPEN)
    other_zone = services.zone_save(event=other, by=fair.organiser, code="Z", name="Other hall")
    other_stall = services.stall_grid_create(event=other, by=fair.organiser, zone=other_zone, rows=1, columns=1)[0]
    other_application = StallApplication.objects.create(event=other, producer=exhibitor.producer, state=ACCEPTED)

    # The foreign keys over (row, event) are checked at commit.
    with pytest.raises(IntegrityError, match="events_stall_zone_of_same_event"):
        with transaction.atomic():
            Stall.objects.create(event=fair.event, zone=other_zone, code="X-1", x=Decimal(0), y=Decimal(0))
    with pytest.raises(IntegrityError, match="events_assignment_stall_of_same_event"):
        with transaction.atomic():
            StallAssignment.objects.create(
                event=fair.event, stall=other_stall, application=exhibitor.application, producer=exhibitor.producer
            )
    with pytest.raises(IntegrityError, match="events_assignment_application_of_same_event_and_producer"):
        with transaction.atomic():
            StallAssignment.objects.create(
                event=fair.event, stall=fair.stall("A-1"), application=other_application, producer=exhibitor.producer
            )
    # And at once, when asked to check immediately.
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        with pytest.raises(IntegrityError, match="events_assignment_stall_of_same_event"):
            with transaction.atomic():
                StallAssignment.objects.create(
                    event=fair.event, stall=other_stall, application=exhibitor.application, producer=exhibitor.producer
                )
    assert not Stall.objects.filter(code="X-1").exists()
    assert not StallAssignment.objects.exists()
    # The service says so before the database has to.
    with pytest.raises(ValidationError, match="That stall belongs to another event."):
        services.stall_assign(application=exhibitor.application, stall=other_stall, by=fair.organiser)
