from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.forms import PasswordResetForm as DjangoPasswordResetForm
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from core.tasks import email_enqueue

from .validators import UsernameValidator


EMAIL_MAX_LENGTH = 254


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("User name or e-mail"),
        max_length=EMAIL_MAX_LENGTH,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username", "autocapitalize": "none"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # AuthenticationForm cuts the field to a user name's 150 characters; an e-mail may be longer.
        self.fields["username"].max_length = EMAIL_MAX_LENGTH
        self.fields["username"].widget.attrs["maxlength"] = str(EMAIL_MAX_LENGTH)


class SignupForm(forms.Form):
    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        # No "@": a login with "@" is read as an e-mail address.
        validators=[UsernameValidator()],
        help_text=_("Letters, digits and ./+/-/_ only."),
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    email = forms.EmailField(label=_("E-mail"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password1 = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label=_("Password again"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", _("The two passwords differ."))
        return data


class ProfileForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"))
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)


class PasswordResetForm(DjangoPasswordResetForm):
    """Sends the reset e-mail in the account's own language, whatever the page's language, and only
    to a confirmed address: an unconfirmed one may be someone else's (the page says the same)."""

    def get_users(self, email):
        return (user for user in super().get_users(email) if user.email_verified)

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email, html_email_template_name=None):
        """Rendered here, sent by a worker (core.tasks), like every e-mail of the site. The link
        starts with SITE_URL, as in every e-mail: the request's own host may be a web node's
        address behind the load balancer, or lack the port the site is served on."""
        context = context | {"site_url": settings.SITE_URL}
        user = context.get("user")
        with translation.override(getattr(user, "language", None) or translation.get_language()):
            subject = "".join(render_to_string(subject_template_name, context).splitlines())
            body = render_to_string(email_template_name, context)
            html = render_to_string(html_email_template_name, context) if html_email_template_name else ""
        email_enqueue(subject=subject, body=body, html=html, to=[to_email])
