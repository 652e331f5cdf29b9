from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import emails
from .models import User
from .tokens import email_confirmation_address, email_confirmation_read


@transaction.atomic
def user_register(*, username: str, email: str, password: str, language: str = "en") -> User:
    """Create a buyer account with an unconfirmed address and send the link that confirms it.

    The account logs in by user name until the link is opened. The user name must be free
    whatever its case (a sign-up form cannot help saying so) and the password must pass Django's
    validators; ValidationError otherwise, and nothing is created. Whether the address has an
    account is never said: when an account has confirmed it already, the account is made all the
    same (so its user name is taken either way, and a second sign-up with that name cannot tell
    the two cases apart) but no link goes out: the address's owner is told by e-mail instead, and
    the new account can never confirm that address (it may choose another in its profile).
    """
    user = User(username=username.strip(), email=User.objects.normalize_email(email.strip()), language=language)
    errors = {}
    if User.objects.filter(username__iexact=user.username).exists():
        errors["username"] = [_("This user name is taken.")]
    try:
        validate_password(password, user)
    except ValidationError as exc:
        errors["password1"] = exc.messages
    if errors:
        raise ValidationError(errors)
    user.set_password(password)
    user.full_clean()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        # Someone took the name in the moment since we looked.
        raise ValidationError({"username": [_("This user name was just taken; choose another.")]}) from None
    _link_or_notice(user=user, address=user.email, reason="signup")
    return user


@transaction.atomic
def user_update_profile(*, user: User, first_name: str, last_name: str, email: str, language: str) -> bool:
    """Change the account's names and language, and ask to change its e-mail address.

    A new address does not count until confirmed: it waits in `pending_email` while a link goes to
    it, and the current address keeps counting (and is told, when confirmed). Whether another
    account has the new address is never said: its owner gets a notice instead of a link, and the
    change can never be confirmed. Returns True when a new address is now waiting.
    """
    user.first_name, user.last_name, user.language = first_name.strip(), last_name.strip(), language
    # An older user name may hold "@" (no longer allowed); it stays what it is.
    user.full_clean(exclude=["username"])
    user.save(update_fields=["first_name", "last_name", "language"])
    return email_change_request(user=user, email=email)


def email_change_request(*, user: User, email: str) -> bool:
    """Put `email` in the account's pending address and send the link (see user_update_profile).

    The account's own address typed again withdraws a pending change; the pending address typed
    again changes nothing (the profile offers to send its link again). Returns True when a link
    or notice went out.
    """
    email = User.objects.normalize_email(email.strip())
    if email.lower() == user.email.lower():
        if user.pending_email:
            user.pending_email = ""
            user.save(update_fields=["pending_email"])
        return False
    if email.lower() == user.pending_email.lower():
        return False
    user.pending_email = email
    user.full_clean(exclude=["username"])
    user.save(update_fields=["pending_email"])
    _link_or_notice(user=user, address=email, reason="change")
    if user.email_verified:
        emails.address_change_notice_send(user=user, old_address=user.email, new_address=email)
    return True


def _link_or_notice(*, user: User, address: str, reason: str) -> None:
    owner = User.objects.with_verified_email(address).exclude(pk=user.pk).first()
    if owner is not None:
        emails.address_in_use_notice_send(owner=owner, attempt="signup" if reason == "signup" else "change")
    else:
        emails.confirmation_link_send(user=user, address=address, reason=reason)


def email_confirmation_resend(*, user: User) -> str | None:
    """Send again the link for the address waiting to be confirmed: the pending one, else the
    account's own unconfirmed one. Returns that address, or None when nothing waits."""
    if user.pending_email:
        address = user.pending_email
    elif user.email and not user.email_verified_at:
        address = user.email
    else:
        return None
    _link_or_notice(user=user, address=address, reason="again")
    return address


def email_confirmation_check(*, token: str) -> tuple[User, str] | None:
    """The account and address a confirmation token would confirm now; None for a bad, expired or
    used link. Changes nothing (the confirmation page shows this before the button)."""
    read = email_confirmation_read(token)
    if read is None:
        return None
    user = User.objects.filter(pk=read[0], is_active=True).first()
    address = email_confirmation_address(user=user, digest=read[1]) if user else None
    return (user, address) if address else None


@transaction.atomic
def email_confirm(*, token: str) -> User:
    """Confirm the address a link names: the account's own, or its pending one, which replaces it.

    Raises ValidationError when the link is forged, expired (EMAIL_CONFIRMATION_MAX_AGE) or used
    (confirming changes the state the link is bound to), or when another account has confirmed the
    address in the meantime (an address belongs to one account: whoever confirms it first).
    """
    read = email_confirmation_read(token)
    user = User.objects.select_for_update().filter(pk=read[0], is_active=True).first() if read else None
    address = email_confirmation_address(user=user, digest=read[1]) if user else None
    if address is None:
        raise ValidationError(_("This link no longer works: it was used already or it is too old."), code="invalid")
    if User.objects.with_verified_email(address).exclude(pk=user.pk).exists():
        raise ValidationError(
            _("Another account has confirmed %(address)s in the meantime, so it cannot be yours here. "
              "Use another address in your profile.") % {"address": address},
            code="taken",
        )
    user.email, user.pending_email, user.email_verified_at = address, "", timezone.now()
    try:
        with transaction.atomic():
            user.save(update_fields=["email", "pending_email", "email_verified_at"])
    except IntegrityError:
        # Another account confirmed it at the same moment.
        raise ValidationError(
            _("Another account has confirmed %(address)s in the meantime, so it cannot be yours here. "
              "Use another address in your profile.") % {"address": address},
            code="taken",
        ) from None
    return user
