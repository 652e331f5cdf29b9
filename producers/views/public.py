from django.http import Http404
from django.views.generic import TemplateView

from core import cache
from core.cache import SharedPageMixin

from ..cache import producer_page_version_keys
from ..models import Producer
from ..selectors import member_first_names, producer_profile
from ..seo import organization_jsonld


class ProducerDetailView(SharedPageMixin, TemplateView):
    """A producer's public profile. Its products, the visitor's favourite and the stall where it
    exhibits today come from the catalogue's, orders' and events' template tags. A visitor
    without a session gets the whole page from the cache; others get the same parts (the
    partials of its template, kept for everyone) around their own favourite button."""

    template_name = "producers/producer_detail.html"

    def shows(self):
        return producer_page_version_keys(self.kwargs["slug"])

    shared_partials = ("title", "description", "pk", "head", "header", "body")

    def shared_data(self):
        try:
            producer = producer_profile(slug=self.kwargs["slug"])
        except Producer.DoesNotExist:
            raise Http404("No such producer") from None
        return {
            "producer": producer,
            "photos": list(producer.photos.all()),
            "member_names": member_first_names(producer),
            "jsonld": organization_jsonld(producer, request=self.request),
            "page_tokens": cache.token_string(*self.shows()),
        }
