import gzip

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import patch_vary_headers
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.views.generic import TemplateView

from .. import cache
from ..floorplan import floor_plan
from ..models import Event
from ..selectors import event_exhibitors, public_event, public_events

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


class EventDetailView(PublicEventMixin, TemplateView):
    """Dates, venue and the floor plan. The plan (thousands of stalls) is rendered once per
    layout version and language, then served from the cache."""

    template_name = "events/event_detail.html"

    def get(self, request, *args, **kwargs):
        """A visitor without a session (most fair-goers on a phone) gets the whole page from the
        cache, already compressed: it is the same for all of them and holds no CSRF token."""
        if request.user.is_authenticated or settings.SESSION_COOKIE_NAME in request.COOKIES:
            return super().get(request, *args, **kwargs)
        event = self.get_event()
        key = cache.plan_fragment_key(event.pk, "page", get_language(), request.get_host(), request.scheme)
        packed = cache.get_bytes(key)
        if packed is None:
            response = super().get(request, *args, **kwargs)
            response.render()
            if response.status_code != 200 or response.cookies:
                return response
            packed = gzip.compress(response.content, 6)
            cache.put_bytes(key, packed)
        if "gzip" in request.META.get("HTTP_ACCEPT_ENCODING", ""):
            response = HttpResponse(packed, content_type="text/html; charset=utf-8")
            response["Content-Encoding"] = "gzip"
        else:
            response = HttpResponse(gzip.decompress(packed), content_type="text/html; charset=utf-8")
        patch_vary_headers(response, ["Accept-Encoding", "Cookie"])
        return response

    def get_context_data(self, **kwargs):
        event = self.get_event()
        key = cache.plan_fragment_key(event.pk, get_language())
        plan_html = cache.get_html(key)
        if plan_html is None:
            plan = floor_plan(event)
            plan_html = render_to_string("events/partials/floor_plan.html", {"event": event, "plan": plan}, request=self.request)
            cache.put_html(key, plan_html)
        return super().get_context_data(**kwargs) | {"event": event, "plan_html": mark_safe(plan_html)}  # noqa: S308


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
