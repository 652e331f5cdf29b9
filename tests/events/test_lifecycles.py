"""The lifecycles of events and stall applications (events.lifecycles)."""

from itertools import product

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from events import services
from events.lifecycles import APPLICATION_LIFECYCLE
from events.models import Event, EventStatusChange, StallApplication
from tests.factories import UserFactory

STATES = StallApplication.State.values


class Undo(Exception):
    """Rolls a successful try back, so the next one starts from the same state."""


def database_allows(application: StallApplication, to_state: str) -> bool:
    try:
        with transaction.atomic():
            StallApplication.objects.filter(pk=application.pk).update(state=to_state)
            raise Undo
    except Undo:
        return True
    except IntegrityError:
        return False


def test_the_database_trigger_allows_exactly_the_moves_the_declaration_allows(event, make_application):
    applications = {state: make_application(event, state=state) for state in STATES}

    pairs = [(source, target) for source, target in product(STATES, STATES) if source != target]

    database = {(source, target) for source, target in pairs if database_allows(applications[source], target)}
    declared = {(source, target) for source, target in pairs if APPLICATION_LIFECYCLE.allows(source, target)}
    assert database == declared


def test_an_event_status_change_is_written_to_its_history(event, organiser):
    services.event_set_status(event=event, by=organiser, status=Event.Status.CLOSED)
    services.event_set_status(event=event, by=organiser, status=Event.Status.PUBLISHED)

    history = list(event.status_changes.values_list("from_state", "to_state", "by"))
    assert history == [("open", "closed", organiser.pk), ("closed", "published", organiser.pk)]


def test_a_new_event_starts_its_history_as_a_draft(places):
    creator = UserFactory()

    event = services.event_create(
        by=creator, name="Korat Silk Week", slug="korat-silk-week", venue="Town hall",
        place=places.get(country="TH", level="province", code="30"),
        starts_on="2027-01-10", ends_on="2027-01-12",
    )

    assert list(event.status_changes.values_list("from_state", "to_state", "by")) == [("", "draft", creator.pk)]


def test_a_refused_status_change_writes_no_history(event, organiser):
    with pytest.raises(ValidationError, match="An event that is open for applications cannot become published."):
        services.event_set_status(event=event, by=organiser, status=Event.Status.PUBLISHED)
    with pytest.raises(PermissionDenied):
        services.event_set_status(event=event, by=UserFactory(), status=Event.Status.CLOSED)

    assert not EventStatusChange.objects.filter(event=event).exists()


def test_editing_an_event_cannot_move_its_status_past_the_lifecycle(event, organiser):
    with pytest.raises(ValueError, match="status"):
        services.event_update(event=event, by=organiser, status=Event.Status.FINISHED)
    with pytest.raises(ValueError, match="status"):
        services.event_create(by=organiser, name="Fair", slug="fair-x", status=Event.Status.PUBLISHED)

    event.refresh_from_db()
    assert event.status == Event.Status.OPEN
    assert not EventStatusChange.objects.filter(event=event).exists()
