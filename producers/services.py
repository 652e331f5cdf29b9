"""Every write about producers: registration, profile, photos, verification, membership."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import User
from catalogue.services import product_visibility_sync
from places.models import Place

from . import images
from .models import Producer, ProducerInvitation, ProducerMembership, ProducerPhoto, ProducerStateChange

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
    ProducerStateChange.objects.create(
        producer=producer, from_state="", to_state=Producer.State.PENDING, changed_by=user, reason=_("Registered")
    )
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


@transaction.atomic
def producer_update_payment(*, producer: Producer, by: User, **fields) -> Producer:
    """Change the payment details buyers pay into. Managers only (PermissionDenied otherwise)."""
    if not _is_manager(producer, by):
        raise PermissionDenied(_("Only the group's managers can change its payment details."))
    unknown = set(fields) - set(PAYMENT_FIELDS)
    if unknown:
        raise ValueError(f"Not payment fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(producer, name, value)
    producer.full_clean()
    producer.save(update_fields=[*fields, "updated_at"])
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
    if producer.photos.count() >= MAX_PHOTOS:
        raise ValidationError(_("A gallery holds at most %(count)s photos; delete one first.") % {"count": MAX_PHOTOS})
    content = images.clean_upload(upload)
    name = images.store_image(content, folder="producers/photos")
    with transaction.atomic():
        position = (producer.photos.order_by("-position").values_list("position", flat=True).first() or 0) + 1
        photo = ProducerPhoto(producer=producer, image=name, caption=caption.strip(), position=position)
        photo.full_clean()
        photo.save()
    return photo


def producer_delete_photo(*, producer: Producer, photo_id: int) -> None:
    photo = producer.photos.filter(pk=photo_id).first()
    if photo is None:
        raise ValidationError(_("That photo is not in this gallery."))
    name = photo.image.name
    photo.delete()
    images.delete_image(name)


@transaction.atomic
def producer_set_state(*, producer: Producer, to_state: str, by: User, reason: str = "") -> Producer:
    """Verify, suspend or reinstate a producer (staff only) and record who, when and why.

    Suspending needs a reason, which the producer sees. Raises PermissionDenied for non-staff and
    ValidationError for an unknown state or a missing reason.
    """
    if not by.is_staff:
        raise PermissionDenied(_("Only staff can verify or suspend producers."))
    if to_state not in Producer.State.values:
        raise ValidationError(_("Unknown verification state."))
    reason = reason.strip()
    if to_state == Producer.State.SUSPENDED and not reason:
        raise ValidationError({"reason": _("Say why the producer is suspended; they will see it.")})
    producer = Producer.objects.select_for_update().get(pk=producer.pk)
    if producer.state == to_state:
        return producer
    ProducerStateChange.objects.create(
        producer=producer, from_state=producer.state, to_state=to_state, changed_by=by, reason=reason
    )
    producer.state = to_state
    producer.save(update_fields=["state", "updated_at"])
    product_visibility_sync(producer=producer)
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
    transaction.on_commit(lambda: send_mail(subject, body, None, [recipient], fail_silently=True))


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
