"""What the organiser's pages share: a page with several buttons, and the way back to a
filtered page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.views.generic import TemplateView

from core.views import ActionView, add_service_errors

from ..mixins import EventOrganiserRequiredMixin


def back_url(request, name: str, event) -> str:
    """The page the form was on, with its filters."""
    url = reverse(name, args=[event.slug])
    query = request.GET.urlencode()
    return f"{url}?{query}" if query else url


def cleaned_data(form) -> dict:
    """The form's valid data, or its errors as a ValidationError (shown as messages)."""
    if not form.is_valid():
        raise ValidationError([message for errors in form.errors.values() for message in errors])
    return form.cleaned_data


class EventActionPage(EventOrganiserRequiredMixin, ActionView, TemplateView):
    """A page of one event whose buttons post an ``action``, dispatched to ``action_<name>``."""

    http_method_names = ["get", "post", "head", "options"]

    def form_action(self, form, *, perform, message, context: dict, success_url: str = ""):
        """An action that posts a form of the page: for valid data, ``perform(cleaned_data)`` calls
        the service and ``message(result)`` says what it did, then the browser goes to
        ``success_url`` (the page itself by default). The service's ValidationError becomes the
        form's errors, and the page is shown again with ``context`` (the form under its name)."""
        if form.is_valid():
            try:
                result = perform(form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(self.request, message(result))
                return HttpResponseRedirect(success_url or self.get_redirect_url())
        return self.render_to_response(self.get_context_data(**context))
