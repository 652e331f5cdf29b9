"""Giving stalls to accepted applications: by hand on the plan, or by an automatic proposal."""

import functools

from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django.utils.translation import gettext as _

from accounts.models import User

from ..assignment import ApplicationInput, StallInput, assign_stalls
from ..cache import plan_changed
from ..emails import stall_notify, stall_taken_back_notify
from ..models import AssignmentProposal, Event, Stall, StallApplication, StallAssignment, StallFeature
from .events import require_organiser

# Deadlock detected, serialisation failure: the database gave up one of two crossing changes.
CONFLICT_SQLSTATES = {"40P01", "40001"}


def _crossing_message() -> str:
    return _("Another organiser changed these stalls at the same moment: look at the plan again.")


def refusing_crossings(service):
    """Wrap a change of the plan so that two organisers' changes crossing in the database (a
    deadlock it broke, a serialisation failure) come back as a ValidationError saying so, with
    nothing saved. Any other database failure is left as it is. Goes outside the transaction,
    which has rolled back by then."""

    @functools.wraps(service)
    def wrapper(*args, **kwargs):
        try:
            return service(*args, **kwargs)
        except OperationalError as error:
            if getattr(error.__cause__, "sqlstate", None) not in CONFLICT_SQLSTATES:
                raise
            raise ValidationError(_crossing_message()) from None

    return wrapper


def _needs_met(application: StallApplication, stall: Stall) -> bool:
    return not StallFeature.unmet(application, stall)


def _notify_stalls(assignment_ids, previous_codes: dict | None = None) -> None:
    """E-mail the producers of these assignments their stall (or where it moved from), once the
    transaction commits."""
    previous_codes = previous_codes or {}
    assignments = (
        StallAssignment.objects.filter(pk__in=list(assignment_ids))
        .select_related("event__place", "stall__zone", "producer")
        .prefetch_related("producer__memberships__user")
    )
    for assignment in assignments.order_by("pk"):
        stall_notify(assignment=assignment, previous_code=previous_codes.get(assignment.pk, ""))


@refusing_crossings
@transaction.atomic
def stall_assign(*, application: StallApplication, stall: Stall, by: User) -> StallAssignment:
    """Give a stall to an accepted application, by hand.

    The stall row, then the application row, are locked (the order every plan change takes), so
    a swap, a stall edit or a withdrawal at the same moment waits for this one or this one for
    it, and what is checked here is still true when it commits. The database decides between
    two organisers assigning at once: the stall (and the producer) can be taken once, and the
    loser is told clearly, with nothing else lost.
    """
    require_organiser(event=application.event, user=by)
    if stall.event_id != application.event_id:
        raise ValidationError(_("That stall belongs to another event."))
    locked_stall = Stall.objects.select_for_update().filter(pk=stall.pk, event_id=stall.event_id).first()
    if locked_stall is None:
        raise ValidationError(_("Stall %(code)s no longer exists: another organiser deleted it.") % {"code": stall.code})
    stall = locked_stall
    application = StallApplication.objects.select_for_update(of=("self",)).select_related("producer").get(pk=application.pk)
    if application.state != StallApplication.State.ACCEPTED:
        raise ValidationError(_("Accept the application before giving it a stall."))
    if not _needs_met(application, stall):
        raise ValidationError(_("Stall %(code)s lacks something this producer needs.") % {"code": stall.code})
    try:
        with transaction.atomic():
            assignment = StallAssignment.objects.create(
                event_id=application.event_id, stall=stall, application=application, producer_id=application.producer_id,
                assigned_by=by,
            )
        _notify_stalls([assignment.pk])
        return assignment
    except IntegrityError:
        holder = StallAssignment.objects.filter(event_id=application.event_id, stall=stall).select_related("producer").first()
        if holder:
            raise ValidationError(
                _("Stall %(code)s was just given to %(name)s by another organiser.") % {"code": stall.code, "name": holder.producer.display_name}
            ) from None
        raise ValidationError(_("%(name)s has a stall already: move it instead.") % {"name": application.producer.display_name}) from None


@refusing_crossings
@transaction.atomic
def stall_unassign(*, assignment: StallAssignment, by: User) -> None:
    """Take a stall back from its producer, whose application waits for a stall again; the
    producer is told once the transaction commits."""
    require_organiser(event=assignment.event, user=by)
    assignment = (
        StallAssignment.objects.select_for_update(of=("self",)).select_related("event__place", "stall", "producer")
        .filter(pk=assignment.pk).first()
    )
    if assignment is None:
        return  # taken back by another organiser a moment ago
    stall_taken_back_notify(assignment=assignment)
    assignment.delete()


@refusing_crossings
@transaction.atomic
def stalls_swap(*, event: Event, first: Stall, second: Stall, by: User) -> None:
    """Swap the producers of two stalls (or move one into an empty stall), in one transaction."""
    require_organiser(event=event, user=by)
    if first.event_id != event.pk or second.event_id != event.pk or first.pk == second.pk:
        raise ValidationError(_("Choose two different stalls of this event."))
    locked = {s.pk: s for s in Stall.objects.select_for_update().filter(pk__in=[first.pk, second.pk]).order_by("pk")}
    # Then the holders' applications, as a hand assignment and a withdrawal lock them (so a swap
    # queues behind a withdrawal instead of crossing it), then the assignments themselves.
    list(
        StallApplication.objects.select_for_update(of=("self",))
        .filter(pk__in=StallAssignment.objects.filter(stall_id__in=locked).values("application_id"))
        .order_by("pk")
    )
    holders = {
        a.stall_id: a
        for a in StallAssignment.objects.select_for_update(of=("self",)).select_related("application").filter(stall_id__in=locked).order_by("pk")
    }
    if not holders:
        raise ValidationError(_("Both stalls are empty."))
    moves = []
    for source, target in ((first.pk, second.pk), (second.pk, first.pk)):
        holder = holders.get(source)
        if holder:
            if not _needs_met(holder.application, locked[target]):
                raise ValidationError(_("Stall %(code)s lacks something its new producer needs.") % {"code": locked[target].code})
            moves.append((holder, target))
    StallAssignment.objects.filter(pk__in=[holder.pk for holder, _target in moves]).delete()
    try:
        with transaction.atomic():
            previous_codes = {
                StallAssignment.objects.create(
                    event=event, stall_id=target, application=holder.application, producer_id=holder.producer_id,
                    fee_state=holder.fee_state, checked_in_at=holder.checked_in_at, assigned_by=by,
                ).pk: locked[holder.stall_id].code
                for holder, target in moves
            }
    except IntegrityError:
        raise ValidationError(_crossing_message()) from None
    _notify_stalls(previous_codes, previous_codes)


def _inputs(event: Event):
    assigned_apps = StallAssignment.objects.filter(event=event).values("application_id")
    applications = (
        StallApplication.objects.filter(event=event, state=StallApplication.State.ACCEPTED)
        .exclude(pk__in=assigned_apps)
        .select_related("producer__province")
        .prefetch_related("products__category")
    )
    app_inputs = []
    for application in applications:
        needs = frozenset(feature.value for feature in application.needs)
        categories = [p.category.parent_id or p.category_id for p in application.products.all()]
        app_inputs.append(
            ApplicationInput(
                id=application.pk, preferred_zone=application.preferred_zone_id, needs=needs,
                category=max(set(categories), key=categories.count) if categories else None,
                region=application.producer.province.region_id, priority=application.exhibited_before,
                order=int(application.created_at.timestamp()),
            )
        )
    free = Stall.objects.filter(event=event).exclude(pk__in=StallAssignment.objects.filter(event=event).values("stall_id"))
    stall_inputs = [
        StallInput(
            id=s.pk, zone=s.zone_id, code=s.code,
            features=frozenset(feature.value for feature in s.features),
        )
        for s in free
    ]
    themes = {}
    for zone in event.zones.all():
        theme = set()
        if zone.theme_category_id:
            theme.add(("category", zone.theme_category_id))
        if zone.theme_region_id:
            theme.add(("region", zone.theme_region_id))
        themes[zone.pk] = theme
    return app_inputs, stall_inputs, themes


def assignment_propose(*, event: Event, by: User) -> AssignmentProposal:
    """Run the automatic assignment for the accepted applications without a stall, over the free
    stalls; store it as the proposal to review (nothing is assigned yet), in place of any earlier
    proposal of the event."""
    require_organiser(event=event, user=by)
    applications, stalls, themes = _inputs(event)
    result = assign_stalls(applications, stalls, themes)
    with transaction.atomic():
        AssignmentProposal.objects.filter(event=event).delete()
        return AssignmentProposal.objects.create(
            event=event, created_by=by, pairs=sorted([app, stall] for app, stall in result.pairs.items()),
            score=result.score(applications, stalls),
        )


@transaction.atomic
def proposal_accept(*, proposal: AssignmentProposal, by: User) -> int:
    """Make the proposal's assignments, all or none. If the plan changed since (someone assigned
    by hand meanwhile), nothing is made and the organiser is asked to propose again."""
    require_organiser(event=proposal.event, user=by)
    applications = {
        a.pk: a for a in StallApplication.objects.filter(pk__in=[app for app, _stall in proposal.pairs], state="accepted")
    }
    if len(applications) != len(proposal.pairs):
        raise ValidationError(_("Some applications changed since this proposal: make a new one."))
    rows = [
        StallAssignment(event=proposal.event, stall_id=stall, application_id=app, producer_id=applications[app].producer_id, assigned_by=by)
        for app, stall in proposal.pairs
    ]
    try:
        with transaction.atomic():
            StallAssignment.objects.bulk_create(rows)
        plan_changed(proposal.event_id)
        _notify_stalls(row.pk for row in rows)
    except IntegrityError:
        raise ValidationError(_("Stalls were assigned by hand since this proposal: make a new one.")) from None
    AssignmentProposal.objects.filter(event=proposal.event).delete()
    return len(rows)


@transaction.atomic
def proposal_discard(*, proposal: AssignmentProposal, by: User) -> None:
    """Throw a proposal away: nothing was assigned by it."""
    require_organiser(event=proposal.event, user=by)
    proposal.delete()
