"""What the organiser's pages share: errors as messages, and the way back to a filtered page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse

from ...models import Event


def _error_messages(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _form_error_messages(request, form) -> None:
    for errors in form.errors.values():
        for message in errors:
            messages.error(request, message)


def _back(request, name: str, event: Event):
    """Back to the page the form was on, with its filters."""
    url = reverse(name, args=[event.slug])
    query = request.GET.urlencode()
    return redirect(f"{url}?{query}" if query else url)
