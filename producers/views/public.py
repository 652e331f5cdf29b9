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
    exhibits today come from the catalogue's, orders' and events' template tags; a visitor
    without a session gets the whole page from the cache, others its products as a fragment."""

    template_name = "producers/producer_detail.html"

    def shows(self):
        return producer_page_version_keys(self.kwargs["slug"])

    def get_context_data(self, **kwargs):
        try:
            producer = producer_profile(slug=kwargs["slug"])
        except Producer.DoesNotExist:
            raise Http404("No such producer") from None
        return super().get_context_data(**kwargs) | {
            "producer": producer,
            "photos": list(producer.photos.all()),
            "member_names": member_first_names(producer),
            "jsonld": organization_jsonld(producer, request=self.request),
            "page_tokens": cache.token_string(*self.shows()),
        }
