"""The organiser's events: the list with a form for a new one, an event's overview, status and edit."""

import copy

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from core.views import add_service_errors, flash_errors

from ... import selectors, services
from ...forms import EventForm, EventStatusForm
from ...models import Event
from ..mixins import EventOrganiserRequiredMixin, OrganiserRequiredMixin

S = Event.Status
# The buttons that move an event on, the usual next step first.
STATUS_ACTIONS = {
    (S.DRAFT, S.OPEN): gettext_lazy("Open applications"),
    (S.OPEN, S.CLOSED): gettext_lazy("Close applications"),
    (S.OPEN, S.DRAFT): gettext_lazy("Back to draft"),
    (S.CLOSED, S.PUBLISHED): gettext_lazy("Publish the floor plan"),
    (S.CLOSED, S.OPEN): gettext_lazy("Reopen applications"),
    (S.PUBLISHED, S.FINISHED): gettext_lazy("Mark as finished"),
    (S.PUBLISHED, S.CLOSED): gettext_lazy("Unpublish"),
}


class OrganiserHomeView(OrganiserRequiredMixin, TemplateView):
    """The organiser's events, and a form for a new one (a draft, with its creator as organiser)."""

    template_name = "events/manage/organiser_home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "events": selectors.organiser_event_list(user=self.request.user),
            "form": kwargs.get("form") or EventForm(),
        }

    def post(self, request, *args, **kwargs):
        form = EventForm(request.POST)
        if form.is_valid():
            try:
                event = services.event_create(by=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Event %(name)s created as a draft.") % {"name": event.display_name})
                return redirect("events:organiser_event", slug=event.slug)
        return self.render_to_response(self.get_context_data(form=form))


class EventOverviewView(EventOrganiserRequiredMixin, TemplateView):
    """Counts of stalls and applications by state, fees, and the buttons that move the event on."""

    template_name = "events/manage/event_overview.html"

    def get_context_data(self, **kwargs):
        allowed = services.EVENT_TRANSITIONS.get(self.event.status, set())
        actions = [(to, label) for (current, to), label in STATUS_ACTIONS.items() if current == self.event.status and to in allowed]
        return super().get_context_data(**kwargs) | {
            "counts": selectors.event_counts(event=self.event),
            "status_actions": actions,
        }


class EventStatusView(EventOrganiserRequiredMixin, View):
    def post(self, request, *args, **kwargs):
        form = EventStatusForm(request.POST)
        if not form.is_valid():
            flash_errors(request, form)
        else:
            try:
                event = services.event_set_status(event=self.event, by=request.user, status=form.cleaned_data["status"])
            except ValidationError as error:
                flash_errors(request, error)
            else:
                messages.success(request, _("The event is now %(status)s.") % {"status": event.get_status_display()})
        return redirect("events:organiser_event", slug=self.event.slug)


class EventEditView(EventOrganiserRequiredMixin, TemplateView):
    template_name = "events/manage/event_form.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"form": kwargs.get("form") or EventForm(instance=copy.copy(self.event))}

    def post(self, request, *args, **kwargs):
        # A copy, so the page's own links keep the saved slug while the form shows its errors.
        form = EventForm(request.POST, instance=copy.copy(self.event))
        if form.is_valid():
            try:
                event = services.event_update(event=form.instance, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Event saved."))
                return redirect("events:organiser_event", slug=event.slug)
        return self.render_to_response(self.get_context_data(form=form))
