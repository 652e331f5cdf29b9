"""The lifecycles of events: an event's status (its organisers' buttons) and a stall application's
state (the database's trigger allows the same moves, see tests/events/test_lifecycles.py)."""

from django.utils.translation import gettext_lazy as _

from core.lifecycle import Lifecycle, Move

from .models import ApplicationStateChange, Event, EventStatusChange, StallApplication
from .permissions import is_member, require_organiser


def organisers(event: Event, by, to: str) -> bool:
    """The event's organisers move it (PermissionDenied with its reason otherwise)."""
    require_organiser(event=event, user=by)
    return True


def organisers_or_withdrawing_members(application: StallApplication, by, to: str) -> bool:
    """Organisers move an application; the producer's members may also withdraw it."""
    if to == StallApplication.State.WITHDRAWN and is_member(application.producer, by):
        return True
    require_organiser(event=application.event, user=by)
    return True


S = Event.Status
# The labels are the organiser's buttons, the usual next step first.
EVENT_LIFECYCLE = Lifecycle(
    model=Event,
    states=S,
    field="status",
    history=EventStatusChange,
    subject="event",
    moves=[
        Move(S.DRAFT, S.OPEN, label=_("Open applications")),
        Move(S.OPEN, S.CLOSED, label=_("Close applications")),
        Move(S.OPEN, S.DRAFT, label=_("Back to draft")),
        Move(S.CLOSED, S.PUBLISHED, label=_("Publish the floor plan")),
        Move(S.CLOSED, S.OPEN, label=_("Reopen applications")),
        Move(S.PUBLISHED, S.FINISHED, label=_("Mark as finished")),
        Move(S.PUBLISHED, S.CLOSED, label=_("Unpublish")),
    ],
    gate=organisers,
    refused=_("An event that is %(from)s cannot become %(to)s."),
)

A = StallApplication.State
# Leaving "accepted" gives the stall back (events.services.applications.application_transition).
APPLICATION_LIFECYCLE = Lifecycle(
    model=StallApplication,
    states=A,
    history=ApplicationStateChange,
    subject="application",
    moves=[
        Move(A.SUBMITTED, A.ACCEPTED),
        Move(A.SUBMITTED, A.WAITLISTED),
        Move(A.SUBMITTED, A.REJECTED),
        Move(A.SUBMITTED, A.WITHDRAWN),
        Move(A.WAITLISTED, A.ACCEPTED),
        Move(A.WAITLISTED, A.REJECTED),
        Move(A.WAITLISTED, A.WITHDRAWN),
        Move(A.ACCEPTED, A.WAITLISTED),
        Move(A.ACCEPTED, A.WITHDRAWN),
    ],
    gate=organisers_or_withdrawing_members,
    refused=_("An application that is %(from)s cannot become %(to)s."),
    touch=("updated_at",),
)
