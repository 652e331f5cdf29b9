from django.http import Http404, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language
from django.views import View
from django.views.generic import TemplateView

from otop_site import page_cache

from ..cache import VERSION_KEY, fragment_key, get_fragment, product_page_version_keys, set_fragment
from ..models import Product
from ..selectors import (
    catalogue_page,
    catalogue_page_is_valid,
    catalogue_query,
    home_page_content,
    producer_directory,
    product_page,
    search_suggestions,
)
from ..seo import product_jsonld

PARTIAL_HEADER = "HTTP_X_PARTIAL"
BUY_BOX_MARKER = "<!--buy-box-->"


class HomeView(TemplateView):
    template_name = "catalogue/home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | home_page_content()


class ProductListView(TemplateView):
    """/products/: a full page, or only its results and facets when the page's script asks.

    The results and facets are the same for every visitor with the same parameters and language,
    so they are rendered once and cached until the catalogue changes.
    """

    template_name = "catalogue/product_list.html"
    shared = False
    # The parameters the page reads, in one spelling: what its cached copies are keyed by and
    # rendered from (catalogue_query).
    query = None
    keep = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.shared:
            context["csrf_token"] = page_cache.CSRF_PLACEHOLDER
        return context

    def results_html(self) -> str:
        key = fragment_key("results", get_language(), self.query.urlencode(), str(timezone.localdate().year))
        html = get_fragment(key)
        if html is None:
            without_page = self.query.copy()
            without_page.pop("page", None)
            context = catalogue_page(params=self.query, page=self.query.get("page")) | {
                "query_without_page": without_page.urlencode()
            }
            html = render_to_string("catalogue/partials/catalogue_results.html", context, request=self.request)
            if catalogue_page_is_valid(context, page=self.query.get("page")):
                set_fragment(key, html)
            else:
                # The form's error with the value as typed: this request's own, not kept.
                self.keep = False
        return mark_safe(html)  # noqa: S308 - rendered by our own template, escaped there

    def get(self, request, *args, **kwargs):
        self.query = catalogue_query(request.GET)
        if request.META.get(PARTIAL_HEADER) != "results" and page_cache.is_shared_visitor(request):
            # The whole page for a visitor without a session, keyed by the parameters it reads.
            self.shared = True
            response = page_cache.serve(
                request,
                name="products",
                version_keys=(VERSION_KEY,),
                render=lambda: self.render_page(request),
                query=self.query,
            )
            response["Vary"] = "X-Partial"
            patch_vary_headers(response, ["Cookie", "Accept-Language"])
            return response
        return self.render_page(request)

    def render_page(self, request):
        html = self.results_html()
        if request.META.get(PARTIAL_HEADER) == "results":
            response = HttpResponse(html)
        else:
            response = self.render_to_response(self.get_context_data(results_html=html))
        response["Vary"] = "X-Partial"
        return response if self.keep else page_cache.do_not_keep(response)


class ProductDetailView(TemplateView):
    """A product page. A visitor without a session gets the whole page from the cache
    (otop_site/page_cache.py); for others everything but the buy box is cached until the
    catalogue changes."""

    template_name = "catalogue/product_detail.html"
    shared = False

    def get(self, request, *args, **kwargs):
        if not page_cache.is_shared_visitor(request):
            return super().get(request, *args, **kwargs)
        self.shared = True
        return page_cache.serve(
            request,
            name=f"product:{kwargs['slug']}",
            version_keys=product_page_version_keys(),
            render=lambda: super(ProductDetailView, self).get(request, *args, **kwargs),
        )

    def page(self, slug: str) -> dict:
        request = self.request
        # The year too: a star rating lapses with the years (Product.star_current).
        key = fragment_key("product", get_language(), request.get_host(), request.scheme, slug, str(timezone.localdate().year))
        page = get_fragment(key)
        if page is None:
            try:
                context = product_page(slug=slug)
            except Product.DoesNotExist:
                raise Http404("No such product") from None
            product = context["product"]
            context["jsonld"] = product_jsonld(product, context["photos"], request=request)
            body = render_to_string("catalogue/partials/product_body.html", context, request=request)
            before, _marker, after = body.partition(BUY_BOX_MARKER)
            page = {
                "title": product.name,
                "description": Truncator(product.description or product.story).chars(160),
                "head": render_to_string("catalogue/partials/product_head.html", context, request=request),
                "body_before_buy": before,
                "body_after_buy": after,
                "buy": {
                    "pk": product.pk,
                    "stock": product.stock,
                    "in_stock": product.in_stock,
                    "producer": {"display_name": product.producer.display_name},
                    "producer_id": product.producer_id,
                },
            }
            set_fragment(key, page)
        return page

    def get_context_data(self, **kwargs):
        page = self.page(kwargs["slug"])
        safe_page = dict(page)
        for name in ("head", "body_before_buy", "body_after_buy"):
            safe_page[name] = mark_safe(page[name])  # noqa: S308 - rendered by our own templates
        # The buy box adds the visitor's favourite and the producer's stall today (orders' and
        # events' template tags).
        context = super().get_context_data(**kwargs) | {"page": safe_page}
        if self.shared:
            context["csrf_token"] = page_cache.CSRF_PLACEHOLDER
        return context


class SuggestView(View):
    """GET /search/suggest/?q=…: JSON suggestions for the search box (products, producers, places)."""

    def get(self, request):
        text = (request.GET.get("q") or "")[:100]
        response = JsonResponse(search_suggestions(text=text))
        response["Cache-Control"] = "public, max-age=60"
        return response


class ProducerListView(TemplateView):
    """/producers/: verified producers by where they are, what they make and their names."""

    template_name = "catalogue/producer_list.html"

    def get_context_data(self, **kwargs):
        directory = producer_directory(params=self.request.GET, page=self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(**kwargs) | directory | {"query_without_page": query.urlencode()}
