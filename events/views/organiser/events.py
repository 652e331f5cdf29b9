"""The organiser's events: the list with a form for a new one, an event's overview, status and edit."""

import copy

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from core.views import ServiceFormView, flash_errors

from ... import selectors, services
from ...forms import EventForm, EventStatusForm
from ...lifecycles import EVENT_LIFECYCLE
from ..mixins import EventOrganiserRequiredMixin, OrganiserRequiredMixin


class OrganiserHomeView(OrganiserRequiredMixin, ServiceFormView):
    """The organiser's events, and a form for a new one (a draft, with its creator as organiser)."""

    template_name = "events/manage/organiser_home.html"
    form_class = EventForm
    http_method_names = ["get", "post", "head", "options"]

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"events": selectors.organiser_event_list(user=self.request.user)}

    def perform(self, form):
        return services.event_create(by=self.request.user, **form.cleaned_data)

    def get_success_message(self, form) -> str:
        return _("Event %(name)s created as a draft.") % {"name": self.result.display_name}

    def get_success_url(self) -> str:
        return reverse("events:organiser_event", args=[self.result.slug])


class EventOverviewView(EventOrganiserRequiredMixin, TemplateView):
    """Counts of stalls and applications by state, fees, and the buttons that move the event on."""

    template_name = "events/manage/event_overview.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "counts": selectors.event_counts(event=self.event),
            "status_actions": EVENT_LIFECYCLE.actions(self.event.status),
        }


class EventStatusView(EventOrganiserRequiredMixin, ServiceFormView):
    """Moves the event on; a refusal, or an invalid status, is shown as messages on its overview."""

    form_class = EventStatusForm
    http_method_names = ["post", "options"]

    def perform(self, form):
        return services.event_set_status(event=self.event, by=self.request.user, status=form.cleaned_data["status"])

    def get_success_message(self, form) -> str:
        return _("The event is now %(status)s.") % {"status": self.result.get_status_display()}

    def get_success_url(self) -> str:
        return reverse("events:organiser_event", args=[self.event.slug])

    def form_invalid(self, form):
        # Also reached from service_failed, with the service's error on the form.
        flash_errors(self.request, form)
        return redirect(self.get_success_url())


class EventEditView(EventOrganiserRequiredMixin, ServiceFormView):
    template_name = "events/manage/event_form.html"
    form_class = EventForm
    success_message = gettext_lazy("Event saved.")
    http_method_names = ["get", "post", "head", "options"]

    def get_form_kwargs(self):
        # A copy, so the page's own links keep the saved slug while the form shows its errors.
        return super().get_form_kwargs() | {"instance": copy.copy(self.event)}

    def perform(self, form):
        return services.event_update(event=form.instance, by=self.request.user, **form.cleaned_data)

    def get_success_url(self) -> str:
        return reverse("events:organiser_event", args=[self.result.slug])
