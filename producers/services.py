"""Every write about producers: registration, profile, photos, verification, membership, payout details."""

import time
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.models import User
from core import images
from core.tasks import email_enqueue
from places.models import Place
from places.services import place_child_get_or_create

from .lifecycles import PRODUCER_LIFECYCLE
from .models import (
    PayoutChange,
    Producer,
    ProducerInvitation,
    ProducerMembership,
    ProducerPhoto,
    mask_payout_value,
)
from .signals import producer_state_changed

MAX_PHOTOS = 12
PROFILE_FIELDS = [
    "name", "name_en", "name_ja", "kind", "own_language", "languages", "story", "story_en", "story_ja",
    "founded_year", "member_count", "contact_phone", "contact_email", "line_id", "website",
]
PAYMENT_FIELDS = ["bank_name", "bank_account_name", "bank_account_number", "promptpay_id"]


def _province_of(place: Place) -> Place:
    province = place if place.level == Place.Level.PROVINCE else place.province
    if province is None:
        raise ValidationError({"place": _("Choose a place inside a province.")})
    return province


def _unique_slug(name_en: str) -> str:
    base = slugify(name_en)[:100] or "producer"
    slug, suffix = base, 2
    while Producer.objects.filter(slug=slug).exists():
        slug, suffix = f"{base}-{suffix}", suffix + 1
    return slug


def _place_with_ancestors(place: Place) -> Place:
    return Place.objects.with_ancestors().get(pk=place.pk)


def producer_place_fields(place: Place) -> dict:
    """The `place`, `province` and `country` of a producer at `place`, kept in step wherever a
    producer is placed (registration, profile, the admin). ValidationError on `place` when it does
    not lie inside a province."""
    place = _place_with_ancestors(place)
    return {"place": place, "province": _province_of(place), "country": place.country}


def _is_manager(producer: Producer, user) -> bool:
    return ProducerMembership.objects.filter(producer=producer, user=user, role=ProducerMembership.Role.MANAGER).exists()


@transaction.atomic
def producer_register(*, user: User, place: Place, **fields) -> Producer:
    """Register a producer or community group for `user`, who becomes its first manager.

    The profile starts "pending": it is not public until staff verify it. Raises ValidationError
    for invalid fields (nothing is saved).
    """
    place = _place_with_ancestors(place)
    producer = Producer(place=place, province=_province_of(place), country=place.country, **fields)
    producer.slug = _unique_slug(producer.name_en)
    producer.state = Producer.State.PENDING
    producer.full_clean()
    producer.save()
    ProducerMembership.objects.create(producer=producer, user=user, role=ProducerMembership.Role.MANAGER)
    PRODUCER_LIFECYCLE.start(producer, by=user, note=_("Registered"))
    return producer


@transaction.atomic
def producer_update_profile(*, producer: Producer, place: Place | None = None, **fields) -> Producer:
    """Change a producer's public profile. Any member may. Raises ValidationError."""
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"Not profile fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(producer, name, value)
    if place is not None:
        place = _place_with_ancestors(place)
        producer.place, producer.province, producer.country = place, _province_of(place), place.country
    producer.full_clean()
    producer.save()
    return producer


def producer_set_logo(*, producer: Producer, upload) -> Producer:
    """Replace the logo with a checked, re-encoded image (ValidationError for a bad file)."""
    content = images.clean_upload(upload)
    name = images.store_image(content, folder="producers/logos")
    old = producer.logo.name
    with transaction.atomic():
        producer.logo.name = name
        producer.save(update_fields=["logo", "updated_at"])
    if old:
        images.delete_image(old)
    return producer


def producer_add_photo(*, producer: Producer, upload, caption: str = "") -> ProducerPhoto:
    """Add a photo to the gallery (at most MAX_PHOTOS). Raises ValidationError for a bad file."""
    return images.gallery_append(
        producer.photos, upload=upload, folder="producers/photos", limit=MAX_PHOTOS,
        full_message=_("A gallery holds at most %(count)s photos; delete one first.") % {"count": MAX_PHOTOS},
        caption=caption.strip(),
    )


def producer_delete_photo(*, producer: Producer, photo_id: int) -> None:
    photo = producer.photos.filter(pk=photo_id).first()
    if photo is None:
        raise ValidationError(_("That photo is not in this gallery."))
    name = photo.image.name
    photo.delete()
    images.delete_image(name)


@transaction.atomic
def producer_set_state(*, producer: Producer, to_state: str, by: User, reason: str = "") -> Producer:
    """Verify, suspend or reinstate a producer (staff only, see PRODUCER_LIFECYCLE) and record who,
    when and why.

    Suspending needs a reason, which the producer sees; setting the state a producer is in
    already changes and records nothing. Raises PermissionDenied for non-staff and
    ValidationError for an unknown state or a missing reason.
    """
    PRODUCER_LIFECYCLE.authorise(producer, to=to_state, by=by)
    reason = reason.strip()
    if to_state == Producer.State.SUSPENDED and not reason:
        raise ValidationError({"reason": _("Say why the producer is suspended; they will see it.")})
    producer = Producer.objects.select_for_update().get(pk=producer.pk)
    if producer.state == to_state:
        return producer
    PRODUCER_LIFECYCLE.check(producer, to=to_state, by=by)
    PRODUCER_LIFECYCLE.record(producer, to=to_state, by=by, note=reason)
    producer_state_changed.send(sender=Producer, producer=producer)
    return producer


def producer_verify(*, producer: Producer, by: User, reason: str = "") -> Producer:
    return producer_set_state(producer=producer, to_state=Producer.State.VERIFIED, by=by, reason=reason)


def producer_suspend(*, producer: Producer, by: User, reason: str) -> Producer:
    return producer_set_state(producer=producer, to_state=Producer.State.SUSPENDED, by=by, reason=reason)


@transaction.atomic
def membership_invite(*, producer: Producer, by: User, invitee: str, role: str = "member") -> ProducerInvitation | None:
    """Invite a person by user name or e-mail address to join `producer`. Managers only.

    An invitation by e-mail address is addressed to the address, never to an account: the account
    that has confirmed it (now or later) sees it and may accept it, and no other, so signing up
    with someone's address wins nothing. The address is not looked up, so the manager is told the
    same whether or not it has an account. An invitation by user name goes to that account (its
    e-mail only to a confirmed address); an unknown user name invites nobody, with the same answer
    (None is returned). A group that staff have not verified yet sends at most
    UNVERIFIED_GROUP_INVITATIONS_PER_DAY invitations a day.
    Raises PermissionDenied; ValidationError when the address is malformed, the named account is a
    member or the person is invited already, the role is unknown, or (code "throttled") the day's
    invitations are used up.
    """
    _lock_memberships(producer)
    if not _is_manager(producer, by):
        raise PermissionDenied(_("Only the group's managers can invite members."))
    if role not in ProducerMembership.Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    invitee = invitee.strip()
    user, email = None, ""
    if "@" in invitee:
        try:
            validate_email(invitee)
        except ValidationError:
            raise ValidationError({"invitee": _("Enter a valid e-mail address, or a user name.")}) from None
        email = invitee
        already = producer.invitations.filter(answered_at__isnull=True, email__iexact=email)
    else:
        user = User.objects.by_login(invitee).first()
        if user is not None and ProducerMembership.objects.filter(producer=producer, user=user).exists():
            raise ValidationError({"invitee": _("%(name)s is already a member.") % {"name": user.username}})
        already = producer.invitations.filter(answered_at__isnull=True, user=user) if user else None
    if already is not None and already.exists():
        raise ValidationError({"invitee": _("This person has been invited already.")})
    if producer.state != Producer.State.VERIFIED:
        limit = settings.UNVERIFIED_GROUP_INVITATIONS_PER_DAY
        if producer.invitations.filter(created_at__gte=timezone.now() - timedelta(days=1)).count() >= limit:
            raise ValidationError(
                _("Until staff have verified your group, it can send %(limit)d invitations a day. Please try again tomorrow.")
                % {"limit": limit},
                code="throttled",
            )
    if user is None and not email:
        return None
    invitation = ProducerInvitation(producer=producer, user=user, email=email, role=role, invited_by=by)
    invitation.full_clean()
    invitation.save()
    _send_invitation(invitation)
    return invitation


def _send_invitation(invitation: ProducerInvitation) -> None:
    if invitation.user is not None:
        # An unconfirmed address may be someone else's: the invitation waits on the dashboard.
        recipient = invitation.user.email if invitation.user.email_verified else ""
    else:
        recipient = invitation.email
    if not recipient:
        return
    language = invitation.user.language if invitation.user else translation.get_language()
    with translation.override(language):
        context = {
            "invitation": invitation,
            "producer_name": invitation.producer.display_name,
            "link": settings.SITE_URL + reverse("producers:invitation", kwargs={"token": invitation.token}),
        }
        subject = _("You are invited to join %(name)s on OTOP Marketplace") % {"name": context["producer_name"]}
        body = render_to_string("producers/email/invitation.txt", context)
    email_enqueue(subject=subject, body=body, to=[recipient])


def invitations_for(user: User):
    """Open invitations addressed to the user's account, or to its address once confirmed.

    An unconfirmed (or only pending) address matches nothing: anyone can type any address.
    """
    query = Q(user=user)
    if user.email_verified:
        query |= Q(user__isnull=True, email__iexact=user.email)
    return ProducerInvitation.objects.filter(query, answered_at__isnull=True).select_related("producer", "invited_by")


@transaction.atomic
def invitation_answer(*, invitation: ProducerInvitation, user: User, accept: bool) -> ProducerMembership | None:
    """Accept or decline an invitation addressed to `user` (PermissionDenied otherwise)."""
    invitation = ProducerInvitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitations_for(user).filter(pk=invitation.pk).exists():
        raise PermissionDenied(_("This invitation is not addressed to you, or was answered already."))
    invitation.answered_at, invitation.accepted = timezone.now(), accept
    invitation.save(update_fields=["answered_at", "accepted"])
    if not accept:
        return None
    membership, _created = ProducerMembership.objects.get_or_create(
        producer=invitation.producer, user=user, defaults={"role": invitation.role}
    )
    return membership


def _lock_memberships(producer: Producer) -> None:
    # Serialise membership changes of one producer, so two managers leaving at once cannot
    # leave it with none.
    Producer.objects.select_for_update().filter(pk=producer.pk).first()


def _other_managers(membership: ProducerMembership) -> int:
    return (
        ProducerMembership.objects.filter(producer_id=membership.producer_id, role=ProducerMembership.Role.MANAGER)
        .exclude(pk=membership.pk)
        .count()
    )


@transaction.atomic
def membership_leave(*, producer: Producer, user: User) -> None:
    """Leave a producer. The last manager cannot leave (ValidationError): appoint another first."""
    _lock_memberships(producer)
    membership = ProducerMembership.objects.filter(producer=producer, user=user).first()
    if membership is None:
        raise ValidationError(_("You are not a member of this group."))
    if membership.role == ProducerMembership.Role.MANAGER and _other_managers(membership) == 0:
        raise ValidationError(_("You are the group's last manager: make another member a manager before you leave."))
    membership.delete()


@transaction.atomic
def membership_remove(*, producer: Producer, by: User, membership_id: int) -> None:
    """A manager removes a member. The last manager cannot be removed."""
    _lock_memberships(producer)
    if not _is_manager(producer, by):
        raise PermissionDenied(_("Only the group's managers can remove members."))
    membership = ProducerMembership.objects.filter(producer=producer, pk=membership_id).first()
    if membership is None:
        raise ValidationError(_("That person is not a member of this group."))
    if membership.role == ProducerMembership.Role.MANAGER and _other_managers(membership) == 0:
        raise ValidationError(_("The group's last manager cannot be removed."))
    membership.delete()


@transaction.atomic
def membership_set_role(*, producer: Producer, by: User, membership_id: int, role: str) -> ProducerMembership:
    """A manager makes a member a manager, or a manager a member (never the last manager)."""
    _lock_memberships(producer)
    if not _is_manager(producer, by):
        raise PermissionDenied(_("Only the group's managers can change roles."))
    if role not in ProducerMembership.Role.values:
        raise ValidationError(_("Unknown role."))
    membership = ProducerMembership.objects.filter(producer=producer, pk=membership_id).first()
    if membership is None:
        raise ValidationError(_("That person is not a member of this group."))
    if role == ProducerMembership.Role.MEMBER and membership.role == ProducerMembership.Role.MANAGER:
        if _other_managers(membership) == 0:
            raise ValidationError(_("A group needs at least one manager."))
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


# --- payout details --------------------------------------------------------------------------
# The details buyers pay into. Whoever controls them controls the group's money, so a change
# needs the manager's own password, is told to every manager, and a new group's change waits
# for staff. The Producer's own fields always hold the details in force (what checkout and the
# order pages read); a change waiting for review lives in its PayoutChange row until decided.

PAYOUT_PASSWORD_FAILURES_KEY = "producers:payout-password-failures:{user_id}"  # noqa: S105 - a cache key


def payout_review_days() -> int:
    return getattr(settings, "PAYOUT_REVIEW_DAYS", 30)


def payout_review_needed(*, producer: Producer) -> bool:
    """Whether a change of `producer`'s payout details is held for staff review: it is for a
    new group. A group is new while any of these holds:

    - staff have not verified it (it is pending or suspended);
    - it was last made "verified" (a reinstatement counts) less than PAYOUT_REVIEW_DAYS days
      ago (default 30); a verified group with no recorded verification counts from its
      registration;
    - one of its managers joined it less than PAYOUT_REVIEW_DAYS days ago.

    That is when a take-over (a stolen or mistaken invitation, a fresh registration) could
    redirect buyers' money before anyone who knows the group had time to notice.
    """
    since = timezone.now() - timedelta(days=payout_review_days())
    if producer.state != Producer.State.VERIFIED:
        return True
    verified_at = (
        producer.state_changes.filter(to_state=Producer.State.VERIFIED)
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    ) or producer.created_at
    if verified_at > since:
        return True
    return producer.memberships.filter(role=ProducerMembership.Role.MANAGER, joined_at__gt=since).exists()


def _check_payout_password(*, user: User, password: str) -> None:
    """The user's own password, or ValidationError on "password". After
    PAYOUT_PASSWORD_FAILURE_LIMIT wrong ones (default 5) within PAYOUT_PASSWORD_COOLOFF_MINUTES
    (default 15), every attempt is refused until the oldest of them is that old, so the form is
    no way to guess a password. Call it outside any transaction: with the database cache, a
    failure counted inside one would be rolled back with it."""
    limit = getattr(settings, "PAYOUT_PASSWORD_FAILURE_LIMIT", 5)
    window = 60 * getattr(settings, "PAYOUT_PASSWORD_COOLOFF_MINUTES", 15)
    key = PAYOUT_PASSWORD_FAILURES_KEY.format(user_id=user.pk)
    error = None
    # One attempt of an account at a time: the count is read, checked and written back under the
    # account's row lock, so guesses sent at once are counted one after the other instead of all
    # reading the same count (with the database cache the write commits with this transaction).
    with transaction.atomic():
        User.objects.select_for_update(no_key=True).filter(pk=user.pk).first()
        now = time.time()
        failures = [at for at in cache.get(key, []) if at > now - window]
        if len(failures) >= limit:
            minutes = max(1, round((failures[0] + window - now) / 60))
            message = ngettext(
                "Too many wrong passwords. Nothing was changed; try again in %(minutes)s minute.",
                "Too many wrong passwords. Nothing was changed; try again in %(minutes)s minutes.",
                minutes,
            )
            error = ValidationError({"password": message % {"minutes": minutes}})
        elif not password or not user.check_password(password):
            cache.set(key, [*failures, now], timeout=window)
            error = ValidationError({"password": _("That is not your password. Nothing was changed.")})
        else:
            cache.delete(key)
    if error is not None:
        raise error


def _masked_changes(in_force: dict, producer: Producer, changed: list[str]) -> list[dict]:
    return [
        {"field": name, "old": mask_payout_value(in_force[name]), "new": mask_payout_value(getattr(producer, name))}
        for name in changed
    ]


def producer_update_payment(*, producer: Producer, by: User, password: str, **fields) -> PayoutChange:
    """Change the details buyers pay into (bank account, PromptPay ID). Managers only.

    The manager confirms with their own password (counted: see _check_payout_password). Every
    change is recorded as a PayoutChange (values masked but for their last 4 characters) and,
    after the transaction commits, mailed to every manager and to the one who made it.
    A new group's change (see payout_review_needed) is held: the details in force stay, and
    buyers keep being shown them, until staff approve it; a change that only removes details is
    applied at once, since it cannot send money anywhere new. A change made while another is
    held replaces it (recorded as "replaced"): one change at most waits per group.

    Raises PermissionDenied for anyone but a manager of the group; ValidationError for a wrong
    or missing password ("password"), invalid details (per field), or details that are already
    the ones in force. Nothing is changed then.
    """
    if not _is_manager(producer, by):
        raise PermissionDenied(_("Only the group's managers can change its payment details."))
    unknown = set(fields) - set(PAYMENT_FIELDS)
    if unknown:
        raise ValueError(f"Not payment fields: {sorted(unknown)}")
    _check_payout_password(user=by, password=password)
    with transaction.atomic():
        producer = Producer.objects.select_for_update().get(pk=producer.pk)
        if not _is_manager(producer, by):  # removed while typing: the lock makes this final
            raise PermissionDenied(_("Only the group's managers can change its payment details."))
        change = _payout_change(producer=producer, by=by, fields=fields, may_hold=True)
        if change is None:
            raise ValidationError(_("These are the payment details in force already: nothing to change."))
    return change


@transaction.atomic
def producer_payment_set_by_staff(*, producer: Producer, by: User, **fields) -> PayoutChange | None:
    """Staff set a producer's payout details (in the admin): in force at once, recorded as a
    PayoutChange by that staff member, and mailed to every manager after commit like any other
    change; a change held for review is replaced. Returns None when nothing differs.

    Raises PermissionDenied for non-staff and ValidationError for invalid details.
    """
    if not by.is_staff:
        raise PermissionDenied(_("Only staff can set payment details in the admin."))
    unknown = set(fields) - set(PAYMENT_FIELDS)
    if unknown:
        raise ValueError(f"Not payment fields: {sorted(unknown)}")
    producer = Producer.objects.select_for_update().get(pk=producer.pk)
    return _payout_change(producer=producer, by=by, fields=fields, may_hold=False)


def _payout_change(*, producer: Producer, by: User, fields: dict, may_hold: bool) -> PayoutChange | None:
    """Record a change of the locked `producer`'s payout details as a PayoutChange and mail the
    managers after commit; held for staff when `may_hold` and the group is new (a change that
    only removes details never is), else in force at once. A held change is replaced. Returns None
    when nothing differs; raises ValidationError for invalid details."""
    in_force = {name: getattr(producer, name) for name in PAYMENT_FIELDS}
    for name, value in fields.items():
        setattr(producer, name, value or "")
    producer.full_clean()
    changed = [name for name in PAYMENT_FIELDS if getattr(producer, name) != in_force[name]]
    if not changed:
        return None
    only_removes = not any(getattr(producer, name) for name in changed)
    held = may_hold and not only_removes and payout_review_needed(producer=producer)
    replaced_held = PayoutChange.objects.filter(producer=producer, state=PayoutChange.State.HELD).update(
        state=PayoutChange.State.REPLACED, proposed={}
    )
    change = PayoutChange.objects.create(
        producer=producer,
        changed_by=by,
        changes=_masked_changes(in_force, producer, changed),
        proposed={name: getattr(producer, name) for name in changed} if held else {},
        state=PayoutChange.State.HELD if held else PayoutChange.State.APPLIED,
    )
    if not held:
        producer.save(update_fields=[*changed, "updated_at"])
    _notify_payout_change(change, replaced_held=bool(replaced_held))
    return change


@transaction.atomic
def payout_change_review(*, change: PayoutChange, by: User, approve: bool, note: str = "") -> PayoutChange:
    """Staff approve a held payout change, which then comes into force, or reject it, which
    leaves the details in force as they are; who, when and the note are recorded and mailed to
    every manager after the transaction commits.

    Four eyes: staff cannot approve a change they asked for themselves (a staff member who also
    manages a group), or one for a group they manage.

    Raises PermissionDenied for non-staff; ValidationError when the change is no longer held
    (decided or replaced meanwhile), when a rejection has no note (the managers are told why),
    or when the proposed details are no longer valid. Nothing is changed then.
    """
    if not by.is_staff:
        raise PermissionDenied(_("Only staff can review payout changes."))
    note = note.strip()
    if not approve and not note:
        raise ValidationError({"note": _("Say why the change is rejected; the group's managers will see it.")})
    producer = Producer.objects.select_for_update().get(pk=change.producer_id)
    change = PayoutChange.objects.get(pk=change.pk)
    if change.state != PayoutChange.State.HELD:
        raise ValidationError(_("This change is no longer waiting for review."))
    if approve and (change.changed_by_id == by.pk or _is_manager(producer, by)):
        raise ValidationError(_("Another member of staff must approve a change to a group you manage."))
    if approve:
        fields = [name for name in change.proposed if name in PAYMENT_FIELDS]
        for name in fields:
            setattr(producer, name, change.proposed[name])
        producer.full_clean()
        producer.save(update_fields=[*fields, "updated_at"])
    change.state = PayoutChange.State.APPROVED if approve else PayoutChange.State.REJECTED
    change.reviewed_by, change.reviewed_at, change.review_note = by, timezone.now(), note
    change.proposed = {}
    change.save(update_fields=["state", "reviewed_by", "reviewed_at", "review_note", "proposed"])
    _notify_payout_change(change)
    return change


def _payout_notice_recipients(change: PayoutChange) -> list[User]:
    managers = User.objects.filter(
        producer_memberships__producer_id=change.producer_id,
        producer_memberships__role=ProducerMembership.Role.MANAGER,
    )
    recipients = {user.pk: user for user in managers}
    if change.changed_by is not None:
        recipients.setdefault(change.changed_by.pk, change.changed_by)
    # A notice goes only to a confirmed address: an unconfirmed one may not be the person's.
    return [user for user in recipients.values() if user.email and user.email_verified]


def _person(user: User | None) -> str:
    if user is None:
        return _("a former account")
    return f"{user.first_name} ({user.username})" if user.first_name else user.username


PAYOUT_NOTICE_SUBJECTS = {
    PayoutChange.State.APPLIED: gettext_lazy("The payment details of %(name)s were changed"),
    PayoutChange.State.HELD: gettext_lazy("A change of the payment details of %(name)s waits for review"),
    PayoutChange.State.APPROVED: gettext_lazy("The change of the payment details of %(name)s was approved"),
    PayoutChange.State.REJECTED: gettext_lazy("The change of the payment details of %(name)s was rejected"),
}


def _notify_payout_change(change: PayoutChange, *, replaced_held: bool = False) -> None:
    """One plain-text notice per recipient, in their own language, sent by a worker once the
    change is committed (a rolled-back change mails nobody)."""
    for user in _payout_notice_recipients(change):
        with translation.override(user.language):
            context = {
                "change": change,
                "state": change.state,
                "producer_name": change.producer.display_name,
                "who": _person(change.changed_by),
                "when": formats.date_format(timezone.localtime(change.created_at), "DATETIME_FORMAT"),
                "field_changes": change.field_changes,
                "time_zone": timezone.get_current_timezone_name(),
                "support_email": getattr(settings, "SUPPORT_EMAIL", settings.DEFAULT_FROM_EMAIL),
                "link": settings.SITE_URL + reverse("producers:dashboard"),
                "replaced_held": replaced_held,
            }
            subject = str(PAYOUT_NOTICE_SUBJECTS[change.state]) % {"name": context["producer_name"]}
            body = render_to_string("producers/email/payout_change.txt", context)
        email_enqueue(subject=subject, body=body, to=[user.email])


@transaction.atomic
def producer_register_naming_place(
    *, user: User, place: Place, town: str = "", village: str = "", **fields
) -> Producer:
    """Register a producer (see `producer_register`) at a place the user may name further: a
    district or town under `place` (where the data packages stop), then a village under that.

    One transaction: a registration that fails leaves no new town or village behind. Raises
    ValidationError as `producer_register` does.
    """
    if town:
        place = place_child_get_or_create(parent=place, name_en=town, level="district")
    if village:
        place = place_child_get_or_create(parent=place, name_en=village)
    return producer_register(user=user, place=place, **fields)
