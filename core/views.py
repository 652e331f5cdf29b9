"""The view kit every app uses: a service's ValidationError shown once, one way.

- ``add_service_errors`` puts a service's error on a form (per field where it names one);
- ``flash_errors`` shows an error (or an invalid form) as messages on the next page;
- ``ServiceFormView`` is a form view whose ``form_valid`` calls one service through ``perform``;
- ``ActionView`` answers a page with several buttons: the POSTed ``action`` is dispatched to the
  method ``action_<name>``, as Django's own ``View.dispatch`` does for HTTP methods.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView


def add_service_errors(form, error: ValidationError, field: str | None = None) -> None:
    """Show a service's ValidationError on the form: per field where it names one; an error that
    names no field goes on `field` (the form as a whole when None)."""
    if hasattr(error, "error_dict"):
        for name, field_errors in error.message_dict.items():
            form.add_error(name if name in form.fields else field, field_errors)
    else:
        form.add_error(field, error.messages)


def flash_errors(request, error) -> None:
    """Each message of a ValidationError, or of an invalid form, as an error message."""
    if isinstance(error, ValidationError):
        texts = error.messages
    else:
        texts = [text for field_errors in error.errors.values() for text in field_errors]
    for text in texts:
        messages.error(request, text)


class ServiceFormView(FormView):
    """A form whose valid data goes to one service.

    Subclasses write ``perform(form)``, which calls the service and returns what it made (kept
    as ``self.result``). A ValidationError from it goes to ``service_failed``, which puts it on
    the form (errors naming no field on ``error_field``) and shows the page again; otherwise
    ``flash_success`` flashes ``success_message`` (formatted with the cleaned data) and the
    browser goes to ``get_success_url()``.
    """

    success_message = ""
    error_field: str | None = None

    def perform(self, form):
        raise NotImplementedError

    def form_valid(self, form):
        try:
            self.result = self.perform(form)
        except ValidationError as error:
            return self.service_failed(form, error)
        self.flash_success(form)
        return HttpResponseRedirect(self.get_success_url())

    def service_failed(self, form, error: ValidationError):
        add_service_errors(form, error, field=self.error_field)
        return self.form_invalid(form)

    def flash_success(self, form) -> None:
        message = self.get_success_message(form)
        if message:
            messages.success(self.request, message)

    def get_success_message(self, form) -> str:
        return str(self.success_message) % form.cleaned_data if self.success_message else ""


class ActionView(View):
    """A POST that names its ``action``: dispatched to ``action_<name>(request, *args, **kwargs)``.

    A method returns a response, or None to go to ``get_redirect_url()``. An action with no method
    is refused with a message; a ValidationError raised by a method is shown as messages (override
    ``action_failed`` to answer otherwise, a 404 say). Only names in ``actions`` are dispatched
    when it is set, so a helper method cannot be reached from a form.

    Mixed into a page view (``class OrderView(ActionView, TemplateView)``), the page answers GET
    and its buttons POST to the same address. A subclass that must find its object first (a 404
    before any action) overrides ``post`` and calls ``super().post``.
    """

    actions: tuple[str, ...] | None = None
    action_field = "action"

    def get_action_name(self) -> str:
        return self.request.POST.get(self.action_field, "")

    def get_redirect_url(self) -> str:
        raise NotImplementedError

    def get_handler(self, name: str):
        # `action_failed` is the kit's own hook, not a button: a POSTed "failed" is unknown.
        if not name.isidentifier() or name == "failed" or (self.actions is not None and name not in self.actions):
            return None
        return getattr(self, f"action_{name}", None)

    def post(self, request, *args, **kwargs):
        handler = self.get_handler(self.get_action_name())
        if handler is None:
            return self.unknown_action()
        try:
            response = handler(request, *args, **kwargs)
        except ValidationError as error:
            response = self.action_failed(error)
        return response or HttpResponseRedirect(self.get_redirect_url())

    def unknown_action(self):
        messages.error(self.request, _("Unknown action."))
        return HttpResponseRedirect(self.get_redirect_url())

    def action_failed(self, error: ValidationError):
        flash_errors(self.request, error)
        return None
