from django.core import validators
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _


@deconstructible
class UsernameValidator(validators.RegexValidator):
    """Letters (any script), digits and . + - _ ; no "@", which marks an e-mail address at log-in."""

    regex = r"^[\w.+-]+\Z"
    message = _("Enter a user name of letters, digits and ./+/-/_ only (no @).")
    flags = 0
