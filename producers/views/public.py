from django.http import Http404
from django.views.generic import TemplateView

from ..models import Producer
from ..selectors import member_first_names, producer_profile
from ..seo import organization_jsonld


class ProducerDetailView(TemplateView):
    """A producer's public profile. Its products, the visitor's favourite and the stall where it
    exhibits today come from the catalogue's, orders' and events' template tags."""

    template_name = "producers/producer_detail.html"

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
        }
