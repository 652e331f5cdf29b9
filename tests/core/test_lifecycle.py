"""The lifecycle kernel (core.lifecycle), on a small lifecycle of its own over events' statuses."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from core.lifecycle import Lifecycle, Move
from events.lifecycles import EVENT_LIFECYCLE
from events.models import Event, EventStatusChange
from tests.factories import EventFactory, UserFactory

S = Event.Status


def staff_only(event, by) -> bool:
    return by is not None and by.is_staff


def no_finished_events(event, by, to) -> bool:
    return event.status != S.FINISHED


TRIAL = Lifecycle(
    model=Event,
    states=S,
    field="status",
    history=EventStatusChange,
    subject="event",
    moves=[
        Move(S.DRAFT, S.OPEN, label="Open"),
        Move(S.DRAFT, S.CLOSED),
        Move(S.OPEN, S.PUBLISHED, staff_only, label="Publish"),
        Move(S.FINISHED, S.DRAFT),
    ],
    gate=no_finished_events,
    refused="A %(from)s event cannot become %(to)s.",
    denied="Not you.",
)


@pytest.fixture
def draft(places):
    return EventFactory(status=S.DRAFT)


def history(event) -> list[tuple]:
    return list(EventStatusChange.objects.filter(event=event).order_by("pk").values_list("from_state", "to_state", "by", "note"))


def test_a_lifecycle_refuses_a_move_to_a_state_that_is_none_of_its_states():
    with pytest.raises(ValueError, match="nowhere"):
        Lifecycle(
            model=Event, states=S, field="status", history=EventStatusChange, subject="event",
            moves=[Move(S.DRAFT, "nowhere")], refused="",
        )


def test_targets_and_actions_follow_the_order_of_the_declaration():
    assert TRIAL.targets(S.DRAFT) == [S.OPEN, S.CLOSED]
    assert TRIAL.actions(S.DRAFT) == [(S.OPEN, "Open")]
    assert TRIAL.targets(S.PUBLISHED) == []
    assert TRIAL.sources(S.OPEN) == [S.DRAFT] and TRIAL.sources(S.FINISHED) == []
    assert TRIAL.allows(S.DRAFT, S.OPEN) and not TRIAL.allows(S.OPEN, S.DRAFT)


def test_transition_saves_the_state_and_writes_who_why_and_when(draft):
    person = UserFactory()

    moved = TRIAL.transition(draft, to=S.OPEN, by=person, note="  Ready.  ")

    assert moved.status == S.OPEN
    draft.refresh_from_db()
    assert draft.status == S.OPEN
    assert history(draft) == [(S.DRAFT, S.OPEN, person.pk, "Ready.")]
    assert EventStatusChange.objects.get(event=draft).at is not None


def test_the_system_moves_a_row_with_no_person(draft):
    TRIAL.transition(draft, to=S.CLOSED, by=None)

    assert history(draft) == [(S.DRAFT, S.CLOSED, None, "")]


def test_an_undeclared_move_is_refused_with_the_labels_of_both_states(draft):
    with pytest.raises(ValidationError) as error:
        TRIAL.transition(draft, to=S.FINISHED, by=None)
    assert error.value.messages == ["A draft event cannot become finished."]

    with pytest.raises(ValidationError) as error:
        TRIAL.transition(draft, to="gone", by=None)
    assert error.value.messages == ["A draft event cannot become gone."]

    draft.refresh_from_db()
    assert draft.status == S.DRAFT and history(draft) == []


def test_a_move_whose_rule_refuses_the_person_is_denied(draft):
    TRIAL.transition(draft, to=S.OPEN, by=None)

    with pytest.raises(PermissionDenied, match="Not you."):
        TRIAL.transition(draft, to=S.PUBLISHED, by=UserFactory())

    draft.refresh_from_db()
    assert draft.status == S.OPEN
    TRIAL.transition(draft, to=S.PUBLISHED, by=UserFactory(is_staff=True))
    assert [row[1] for row in history(draft)] == [S.OPEN, S.PUBLISHED]


def test_the_gate_is_asked_before_the_move(places):
    finished = EventFactory(status=S.FINISHED)

    with pytest.raises(PermissionDenied, match="Not you."):
        TRIAL.transition(finished, to=S.DRAFT, by=None)

    assert history(finished) == []


def test_the_state_and_its_history_are_written_together_or_not_at_all(draft):
    with pytest.raises(RuntimeError), transaction.atomic():
        TRIAL.check(draft, to=S.OPEN, by=None)
        TRIAL.record(draft, to=S.OPEN, by=None)
        raise RuntimeError("a later step failed")

    draft.refresh_from_db()
    assert draft.status == S.DRAFT and history(draft) == []


def test_start_writes_the_first_state_from_nothing(draft):
    person = UserFactory()

    TRIAL.start(draft, by=person, note="Created")

    assert history(draft) == [("", S.DRAFT, person.pk, "Created")]


def test_the_organisers_buttons_are_the_labelled_moves_of_the_event_lifecycle():
    assert [target for target, _label in EVENT_LIFECYCLE.actions(S.OPEN)] == [S.CLOSED, S.DRAFT]
    for state in S.values:
        assert [target for target, _label in EVENT_LIFECYCLE.actions(state)] == EVENT_LIFECYCLE.targets(state)
