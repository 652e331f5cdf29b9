"""E-mails about a producer's place at a fair, each in its recipient's language, as plain text:
an application decided (accepted, waitlisted, rejected, with the organisers' reason), a stall
given, moved or taken back; and an invitation to organise an event.

Written by the services when the change is made and sent by a worker once the transaction
commits (core.tasks.enqueue_after_commit), so nobody hears of a change that rolled back. Each
message carries a delivery key made of the change and the address, so the same change never
mails the same address twice, whatever runs again."""

import hashlib

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from core.tasks import email_send, enqueue_after_commit
from producers.models import Producer, ProducerMembership

from .models import ORGANISER_INVITATION_DAYS, ApplicationStateChange, OrganiserInvitation, StallApplication, StallAssignment

DECIDED_STATES = frozenset({StallApplication.State.ACCEPTED, StallApplication.State.WAITLISTED, StallApplication.State.REJECTED})


def producer_recipients(producer: Producer) -> list[tuple[str, str]]:
    """Who hears about the producer's applications, with the language of each: the group's
    contact address (in the group's own language) and its managers' confirmed addresses (in
    theirs). The same rule as the order e-mails (orders.emails)."""
    recipients = {}
    if producer.contact_email:
        recipients[producer.contact_email.lower()] = (producer.contact_email, producer.own_language)
    memberships = producer.memberships.all()
    if "memberships" not in getattr(producer, "_prefetched_objects_cache", {}):
        memberships = memberships.select_related("user")  # else prefetched with their users: many producers mailed at once
    for membership in memberships:
        # Managers only, and only a confirmed address: an unconfirmed one may belong to someone else.
        if membership.role == ProducerMembership.Role.MANAGER and membership.user.email_verified:
            recipients.setdefault(membership.user.email.lower(), (membership.user.email, membership.user.language))
    return list(recipients.values())


def _language(language: str) -> str:
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _key(kind: str, ref, address: str) -> str:
    # EmailDelivery.key holds 64 characters: the address goes in as a short digest.
    digest = hashlib.sha256(address.lower().encode()).hexdigest()[:20]
    return f"events:{kind}:{ref}:{digest}"[:64]


def _send(*, kind: str, ref, address: str, language: str, subject_of, template: str, context: dict) -> None:
    with translation.override(_language(language)):
        context = context | {"link": settings.SITE_URL + reverse("events:my_applications")}
        subject = str(subject_of())
        body = render_to_string(template, context | {"subject": subject})
    enqueue_after_commit(email_send, key=_key(kind, ref, address), subject=subject, body=body, to=[address])


def application_decided_notify(*, application: StallApplication, change: ApplicationStateChange) -> None:
    """Tell the producer that its application was accepted, waitlisted or rejected (with the
    reason the organiser gave), once the transaction commits."""
    if change.to_state not in DECIDED_STATES:
        return
    event = application.event
    subjects = {
        StallApplication.State.ACCEPTED: lambda: _("Your application for %(event)s is accepted") % {"event": event.display_name},
        StallApplication.State.WAITLISTED: lambda: _("Your application for %(event)s is on the waiting list") % {"event": event.display_name},
        StallApplication.State.REJECTED: lambda: _("Your application for %(event)s is not accepted") % {"event": event.display_name},
    }
    for address, language in producer_recipients(application.producer):
        _send(
            kind="decision", ref=change.pk, address=address, language=language, subject_of=subjects[change.to_state],
            template="events/email/application_decided.txt",
            context={"application": application, "event": event, "state": change.to_state, "reason": change.note},
        )


def stall_notify(*, assignment: StallAssignment, previous_code: str = "") -> None:
    """Tell the producer the stall it was given, or to which stall it was moved (from
    `previous_code`), with the stall's size, features and fee, once the transaction commits."""
    event, stall = assignment.event, assignment.stall
    if previous_code:
        def subject():
            return _("%(event)s: your stall is now %(code)s") % {"event": event.display_name, "code": stall.code}
    else:
        def subject():
            return _("%(event)s: your stall is %(code)s") % {"event": event.display_name, "code": stall.code}
    for address, language in producer_recipients(assignment.producer):
        _send(
            kind="stall", ref=assignment.pk, address=address, language=language, subject_of=subject,
            template="events/email/stall_assigned.txt",
            context={"assignment": assignment, "event": event, "stall": stall, "previous_code": previous_code},
        )


def stall_changed_notify(*, assignment: StallAssignment, previous_code: str) -> None:
    """Tell the producer that the organisers changed its stall (its code, zone, size, fee or
    features; it was `previous_code`), once the transaction commits. The same details are never
    mailed twice to one address."""
    event, stall = assignment.event, assignment.stall

    def subject():
        return _("%(event)s: your stall %(code)s has changed") % {"event": event.display_name, "code": stall.code}

    details = "|".join(str(part) for part in (stall.code, stall.zone_id, stall.width, stall.depth, stall.fee, *stall.features))
    ref = f"{assignment.pk}.{hashlib.sha256(details.encode()).hexdigest()[:12]}"
    for address, language in producer_recipients(assignment.producer):
        _send(
            kind="changed", ref=ref, address=address, language=language, subject_of=subject,
            template="events/email/stall_assigned.txt",
            context={
                "assignment": assignment, "event": event, "stall": stall, "changed": True,
                "previous_code": previous_code if previous_code != stall.code else "",
            },
        )


def stall_taken_back_notify(*, assignment: StallAssignment) -> None:
    """Tell the producer that its stall was taken back (its application waits for another)."""
    event = assignment.event

    def subject():
        return _("%(event)s: stall %(code)s is no longer yours") % {"event": event.display_name, "code": assignment.stall.code}

    for address, language in producer_recipients(assignment.producer):
        _send(
            kind="unassigned", ref=assignment.pk, address=address, language=language, subject_of=subject,
            template="events/email/stall_taken_back.txt", context={"assignment": assignment, "event": event},
        )


def organiser_invitation_send(*, invitation: OrganiserInvitation, token: str, language: str) -> None:
    """The invitation to organise an event, to the invited address, with its signed link."""
    event = invitation.event
    with translation.override(_language(language)):
        context = {
            "invitation": invitation,
            "event": event,
            "inviter": invitation.invited_by.short_name if invitation.invited_by else "",
            "link": settings.SITE_URL + reverse("events:organiser_join", args=[event.slug, token]),
            "days": ORGANISER_INVITATION_DAYS,
        }
        subject = _("You are invited to organise %(event)s on OTOP Marketplace") % {"event": event.display_name}
        body = render_to_string("events/email/organiser_invitation.txt", context)
    enqueue_after_commit(email_send, key=_key("invitation", invitation.pk, invitation.email), subject=subject, body=body, to=[invitation.email])
