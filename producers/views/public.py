from django.http import Http404
from django.views.generic import TemplateView

from catalogue.selectors import producer_products
from events.selectors import current_stalls_for
from orders.selectors import is_favourite

from ..models import Producer
from ..selectors import member_first_names, producer_directory, producer_profile
from ..seo import organization_jsonld


class ProducerListView(TemplateView):
    template_name = "producers/producer_list.html"

    def get_context_data(self, **kwargs):
        directory = producer_directory(params=self.request.GET, page=self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(**kwargs) | directory | {"query_without_page": query.urlencode()}


class ProducerDetailView(TemplateView):
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
            "products": producer_products(producer=producer),
            "is_favourite": is_favourite(user=self.request.user, producer=producer),
            "stall_notes": current_stalls_for(producer_id=producer.pk),
            "jsonld": organization_jsonld(producer, request=self.request),
        }
