"""The applications to an event: filtered, and moved on together."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.utils.translation import ngettext
from django.views.generic import TemplateView

from core.views import flash_errors

from ... import selectors, services
from ...forms import BULK_STATES, ApplicationBulkForm, ApplicationFilterForm
from ...models import StallApplication
from ..mixins import EventOrganiserRequiredMixin
from .common import back_url

APPLICATIONS_PER_PAGE = 100


class ApplicationsView(EventOrganiserRequiredMixin, TemplateView):
    """The applications, filtered by state, category, province and needs; tick some and accept,
    waitlist or reject them together (each one moves on its own; refusals are listed)."""

    template_name = "events/manage/applications.html"

    def get_context_data(self, **kwargs):
        choices = selectors.application_filter_choices(event=self.event)
        filter_form = ApplicationFilterForm(self.request.GET or None, **choices)
        applications = selectors.event_applications(event=self.event, **filter_form.filters())
        page = Paginator(applications, APPLICATIONS_PER_PAGE).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(**kwargs) | {
            "filter_form": filter_form,
            "page_obj": page,
            "applications": selectors.describe_applications(page.object_list),
            "query_without_page": query.urlencode(),
            "bulk_states": BULK_STATES,
            "counts": selectors.event_counts(event=self.event),
        }

    def post(self, request, *args, **kwargs):
        form = ApplicationBulkForm(request.POST, event=self.event)
        if not form.is_valid():
            flash_errors(request, form)
            return redirect(back_url(request, "events:organiser_applications", self.event))
        to_state = form.cleaned_data["to_state"]
        moved, errors = services.applications_bulk_transition(
            applications=form.cleaned_data["applications"], to_state=to_state, by=request.user, note=form.cleaned_data["note"]
        )
        if moved:
            messages.success(
                request,
                ngettext("%(count)s application is now %(state)s.", "%(count)s applications are now %(state)s.", moved)
                % {"count": moved, "state": StallApplication.State(to_state).label},
            )
        flash_errors(request, ValidationError(errors))
        return redirect(back_url(request, "events:organiser_applications", self.event))
