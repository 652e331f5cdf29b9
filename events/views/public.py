from django.core.paginator import Paginator
from django.http import Http404
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.views.generic import TemplateView

from core.cache import SharedPageMixin

from .. import cache
from ..floorplan import floor_plan
from ..models import Event
from ..selectors import event_exhibitors, exhibitor_terms, public_event, public_events

EXHIBITORS_PAGE_SIZE = 48


class EventListView(TemplateView):
    template_name = "events/event_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | public_events()


class PublicEventMixin:
    def get_event(self) -> Event:
        try:
            return public_event(slug=self.kwargs["slug"])
        except Event.DoesNotExist:
            raise Http404("No such event") from None


class EventDetailView(SharedPageMixin, PublicEventMixin, TemplateView):
    """Dates, venue and the floor plan. The plan (thousands of stalls) is rendered once per
    layout version and language, then served from the cache; a visitor without a session (most
    fair-goers on a phone) gets the whole page, already compressed (core/cache.py)."""

    template_name = "events/event_detail.html"
    compress_shared_page = True

    def shows(self):
        return cache.EVENT_PAGE_SHOWS

    def get_context_data(self, **kwargs):
        event = self.get_event()
        key = cache.plan_fragment_key(event.pk, get_language())
        plan_html = cache.get_html(key)
        if plan_html is None:
            plan = floor_plan(event)
            plan_html = render_to_string("events/partials/floor_plan.html", {"event": event, "plan": plan}, request=self.request)
            cache.put_html(key, plan_html)
        terms = exhibitor_terms(event=event) if event.status == Event.Status.OPEN else None
        return super().get_context_data(**kwargs) | {"event": event, "plan_html": mark_safe(plan_html), "terms": terms}  # noqa: S308


class ExhibitorListView(PublicEventMixin, TemplateView):
    template_name = "events/exhibitor_list.html"

    def get_context_data(self, **kwargs):
        event = self.get_event()
        found = event_exhibitors(event=event, params=self.request.GET)
        page = Paginator(found["assignments"], EXHIBITORS_PAGE_SIZE).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(**kwargs) | found | {
            "event": event, "page_obj": page, "exhibitors": list(page.object_list), "query_without_page": query.urlencode()
        }
