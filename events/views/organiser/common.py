"""What the organiser's pages share: a page with several buttons, and the way back to a
filtered page."""

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.views.generic import TemplateView

from core.views import ActionView

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
