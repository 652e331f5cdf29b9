from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from .models import User


@transaction.atomic
def user_register(*, username: str, email: str, password: str, language: str = "en") -> User:
    """Create a buyer account.

    The user name and the e-mail address are unique whatever their case; the password must pass
    Django's validators. Raises ValidationError and creates nothing otherwise.
    """
    user = User(username=username.strip(), email=email.strip(), language=language)
    errors = {}
    if User.objects.filter(username__iexact=user.username).exists():
        errors["username"] = [_("This user name is taken.")]
    if user.email and User.objects.filter(email__iexact=user.email).exists():
        errors["email"] = [_("An account with this e-mail address already exists.")]
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
        # Someone took the name or address in the moment since we looked.
        raise ValidationError({"username": [_("This user name or e-mail address was just taken; choose another.")]}) from None
    return user


@transaction.atomic
def user_update_profile(*, user: User, first_name: str, last_name: str, email: str, language: str) -> User:
    """Change the account's names, e-mail and language. The e-mail must not belong to another account."""
    email = email.strip()
    if email and User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists():
        raise ValidationError({"email": [_("An account with this e-mail address already exists.")]})
    user.first_name, user.last_name, user.email, user.language = first_name.strip(), last_name.strip(), email, language
    user.full_clean()
    user.save(update_fields=["first_name", "last_name", "email", "language"])
    return user
