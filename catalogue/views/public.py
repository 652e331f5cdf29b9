from django.http import Http404
from django.views.generic import TemplateView

from ..models import Product
from ..selectors import catalogue_page, home_page_content, product_page
from ..seo import product_jsonld

PARTIAL_HEADER = "HTTP_X_PARTIAL"


class HomeView(TemplateView):
    template_name = "catalogue/home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | home_page_content()


class ProductListView(TemplateView):
    """/products/: a full page, or only its results and facets when the page's script asks."""

    template_name = "catalogue/product_list.html"

    def get_template_names(self):
        if self.request.META.get(PARTIAL_HEADER) == "results":
            return ["catalogue/partials/catalogue_results.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        return (
            super().get_context_data(**kwargs)
            | catalogue_page(params=self.request.GET, page=self.request.GET.get("page"))
            | {"query_without_page": query.urlencode()}
        )

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        response["Vary"] = "X-Partial"
        return response


class ProductDetailView(TemplateView):
    template_name = "catalogue/product_detail.html"

    def get_context_data(self, **kwargs):
        try:
            page = product_page(slug=kwargs["slug"])
        except Product.DoesNotExist:
            raise Http404("No such product") from None
        return super().get_context_data(**kwargs) | page | {
            "jsonld": product_jsonld(page["product"], page["photos"], request=self.request)
        }
