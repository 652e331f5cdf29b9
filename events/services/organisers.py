"""Co-organisers: an organiser invites an e-mail address to organise the event too; the account
that has confirmed that address accepts (or declines) through the link sent to it.

The link carries a signed token naming the invitation, valid ORGANISER_INVITATION_DAYS days
(django.core.signing): it cannot be made up or changed, it stops working when it expires, and an
invitation answered or withdrawn is no longer found. As with the producers' invitations
(producers.services.membership_invite), an invitation is addressed to the address, never to an
account looked up by it: the organiser is told the same whether or not the address has an
account, and only the account that has confirmed it can accept."""

from datetime import timedelta

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User

from ..emails import organiser_invitation_send
from ..models import ORGANISER_INVITATION_DAYS, Event, EventOrganiser, OrganiserInvitation
from .events import require_organiser

# The signer's namespace, not a secret: the signature uses SECRET_KEY.
INVITATION_SALT = "events.organiser-invitation"
# Invitations one event may send in a day: enough for a team, too few to mail strangers in bulk.
INVITATIONS_PER_DAY = 20


def organiser_invitation_token(invitation: OrganiserInvitation) -> str:
    """The signed token of the invitation's link (it holds the event's and the invitation's ids)."""
    return signing.dumps([invitation.event_id, invitation.pk], salt=INVITATION_SALT, compress=False)


def organiser_invitation_find(*, event: Event, token: str) -> OrganiserInvitation:
    """The open invitation of `event` that the token names. ValidationError when the token was
    made up or changed, has expired, or names an invitation answered or withdrawn since."""
    try:
        event_id, invitation_id = signing.loads(token, salt=INVITATION_SALT, max_age=timedelta(days=ORGANISER_INVITATION_DAYS))
    except signing.SignatureExpired:
        raise ValidationError(_("This invitation has expired: ask the organisers for a new one."), code="expired") from None
    except (signing.BadSignature, TypeError, ValueError):
        raise ValidationError(_("This invitation link is not valid."), code="invalid") from None
    invitation = (
        OrganiserInvitation.objects.filter(pk=invitation_id, event_id=event_id, event=event)
        .select_related("event", "invited_by").first()
    )
    if invitation is None:
        raise ValidationError(_("This invitation was withdrawn by the organisers."), code="withdrawn")
    if invitation.answered_at is not None:
        raise ValidationError(_("This invitation was answered already."), code="answered")
    return invitation


@transaction.atomic
def organiser_invite(*, event: Event, by: User, email: str) -> OrganiserInvitation:
    """Invite an e-mail address to organise `event` too (organisers only), and send it the link.

    Raises PermissionDenied; ValidationError (on "email") when the address is malformed, an
    organiser of the event has confirmed it, it is invited already, or the event's invitations
    of the day are used up; nothing is saved or sent then.
    """
    require_organiser(event=event, user=by)
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": _("Enter a valid e-mail address.")}) from None
    if EventOrganiser.objects.filter(event=event, user__email__iexact=email, user__email_verified_at__isnull=False).exists():
        raise ValidationError({"email": _("%(email)s organises this event already.") % {"email": email}})
    open_invitations = OrganiserInvitation.objects.filter(event=event, answered_at__isnull=True)
    if open_invitations.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("%(email)s is invited already.") % {"email": email}})
    if OrganiserInvitation.objects.filter(event=event, created_at__gte=timezone.now() - timedelta(days=1)).count() >= INVITATIONS_PER_DAY:
        raise ValidationError(
            {"email": _("This event has sent %(count)s invitations today: please try again tomorrow.") % {"count": INVITATIONS_PER_DAY}}
        )
    invitation = OrganiserInvitation(event=event, email=email, invited_by=by)
    invitation.full_clean(exclude=["event", "invited_by"])
    try:
        with transaction.atomic():
            invitation.save()
    except IntegrityError:
        # Another organiser invited the same address a moment ago.
        raise ValidationError({"email": _("%(email)s is invited already.") % {"email": email}}) from None
    # The invitee's own language when the address is a confirmed account's, the inviter's otherwise.
    account = User.objects.filter(email__iexact=email, email_verified_at__isnull=False).only("language").first()
    language = account.language if account else translation.get_language()
    organiser_invitation_send(invitation=invitation, token=organiser_invitation_token(invitation), language=language)
    return invitation


@transaction.atomic
def organiser_invitation_withdraw(*, invitation: OrganiserInvitation, by: User) -> None:
    """An organiser withdraws an open invitation: its link stops working. Answered ones stay as
    the record; ValidationError for them."""
    require_organiser(event=invitation.event, user=by)
    invitation = OrganiserInvitation.objects.select_for_update().filter(pk=invitation.pk).first()
    if invitation is None:
        return
    if invitation.answered_at is not None:
        raise ValidationError(_("This invitation was answered already."))
    invitation.delete()


@transaction.atomic
def organiser_invitation_answer(*, event: Event, token: str, user: User, accept: bool) -> EventOrganiser | None:
    """Accept or decline the invitation the token names, as the signed-in `user`, who must have
    confirmed the invited address. Accepting makes `user` an organiser of the event (staying
    one if they were already). Raises ValidationError (see organiser_invitation_find) or
    PermissionDenied for another account; nothing changes then."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied
    invitation = organiser_invitation_find(event=event, token=token)
    invitation = OrganiserInvitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.answered_at is not None:
        raise ValidationError(_("This invitation was answered already."), code="answered")
    if not invitation_is_for(invitation, user):
        raise PermissionDenied(
            _("This invitation was sent to another e-mail address: log in with the account that has confirmed that address.")
        )
    invitation.answered_at, invitation.accepted, invitation.answered_by = timezone.now(), accept, user
    invitation.save(update_fields=["answered_at", "accepted", "answered_by"])
    if not accept:
        return None
    organiser, _created = EventOrganiser.objects.get_or_create(event=invitation.event, user=user)
    return organiser


def invitation_is_for(invitation: OrganiserInvitation, user: User) -> bool:
    """Whether `user` has confirmed the address the invitation was sent to (an unconfirmed
    address matches nothing: anyone can type any address)."""
    return bool(getattr(user, "email_verified", False) and user.email.lower() == invitation.email.lower())
