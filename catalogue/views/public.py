from django.http import Http404, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.cache import patch_vary_headers
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.views import View
from django.views.generic import TemplateView

from core import cache
from core.cache import SITE, SharedPageMixin

from ..cache import LISTINGS, PRODUCERS, PRODUCT, product_page_version_keys
from ..filters import ProducerFilter
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
PRODUCT_PARTS = "catalogue/partials/product_parts.html"
# The partials of PRODUCT_PARTS that are the product's own; with its head, the parts kept as HTML.
PRODUCT_PARTIALS = ("breadcrumbs", "photos", "summary", "brand", "about")
HTML_PARTS = (*PRODUCT_PARTIALS, "head")


class HomeView(SharedPageMixin, TemplateView):
    template_name = "catalogue/home.html"

    shared_partials = ("content",)

    def shows(self):
        return (LISTINGS.key(), SITE.key(), *cache.also_shown_on("home"))

    def shared_data(self):
        return home_page_content()


class ProductListView(SharedPageMixin, TemplateView):
    """/products/: a full page, or only its results and facets when the page's script asks.

    The results and facets are the same for every visitor with the same parameters and language:
    a fragment kept until the listings change (within their lag).
    """

    template_name = "catalogue/product_list.html"
    # The parameters the page reads, in one spelling: what its cached copies are keyed by and
    # rendered from (catalogue_query).
    query = None
    keep = True
    vary_on = ("X-Partial",)

    def shows(self):
        return (LISTINGS.key(), SITE.key())

    def reads(self):
        return catalogue_query(self.request.GET)

    def shares_page(self, request):
        return request.META.get(PARTIAL_HEADER) != "results" and super().shares_page(request)

    def results_html(self) -> str:
        def render():
            without_page = self.query.copy()
            without_page.pop("page", None)
            context = catalogue_page(params=self.query, page=self.query.get("page")) | {
                "query_without_page": without_page.urlencode()
            }
            html = render_to_string("catalogue/partials/catalogue_results.html", context, request=self.request)
            # The form's error with the value as typed, or a page past the end: this request's own.
            self.keep = catalogue_page_is_valid(context, page=self.query.get("page"))
            return html

        html = cache.fragment("results", (cache.token_string(*self.shows()), self.query.urlencode()), render, keep=lambda _html: self.keep)
        return mark_safe(html)  # noqa: S308 - rendered by our own template, escaped there

    def get(self, request, *args, **kwargs):
        self.query = catalogue_query(request.GET)
        html = self.results_html()
        if request.META.get(PARTIAL_HEADER) == "results":
            response = HttpResponse(html)
        else:
            response = self.render_to_response(self.get_context_data(results_html=html))
        patch_vary_headers(response, ["X-Partial"])
        return response if self.keep else cache.do_not_keep(response)


class ProductDetailView(SharedPageMixin, TemplateView):
    """A product page. What everyone sees is rendered in parts (partials/product_parts.html) kept
    until the product changes ("more from…" until the listings do); the buy box and the favourite
    button are the visitor's own. A visitor without a session gets the whole page from the cache."""

    template_name = "catalogue/product_detail.html"

    def shows(self):
        return product_page_version_keys(self.kwargs["slug"])

    def product_parts(self, slug: str, data) -> dict:
        """The product's own parts, rendered from `data` (product_page's, loaded on first use)."""
        try:
            product = data["product"]
        except Product.DoesNotExist:
            return {"missing": True}
        request = self.request
        context = data.all() | {"jsonld": product_jsonld(product, data["photos"], request=request)}
        parts = {
            # Without the request: nothing in them is the visitor's, and no context processor runs.
            name: render_to_string(f"{PRODUCT_PARTS}#{name}", context)
            for name in PRODUCT_PARTIALS
        }
        return parts | {
            "title": product.name,
            "description": Truncator(product.description or product.story).chars(160),
            "head": render_to_string("catalogue/partials/product_head.html", context, request=request),
            "buy": {
                "pk": product.pk,
                "stock": product.stock,
                "in_stock": product.in_stock,
                "producer": {"display_name": product.producer.display_name},
                "producer_id": product.producer_id,
            },
        }

    def get_context_data(self, **kwargs):
        slug, request = kwargs["slug"], self.request
        keys = self.shows()
        tokens = dict(zip(keys, cache.tokens(*keys), strict=True))
        data = _Lazy(lambda: product_page(slug=slug))
        # The head holds the page's own address (host and scheme), the stars lapse with the year.
        parts = cache.fragment(
            "product", (slug, tokens[PRODUCT.key(slug)], tokens[SITE.key()], request.get_host(), request.scheme),
            lambda: self.product_parts(slug, data),
        )
        if parts.get("missing"):
            raise Http404("No such product")
        more = cache.fragment(
            "product-more", (slug, tokens[LISTINGS.key()], tokens[SITE.key()]),
            lambda: render_to_string(f"{PRODUCT_PARTS}#more", data.all()),
        )
        # The rendered parts are HTML from our templates (escaped there); the title and the
        # description are text, escaped where the page puts them.
        safe = {name: mark_safe(value) if name in HTML_PARTS else value for name, value in parts.items()}  # noqa: S308
        return super().get_context_data(**kwargs) | {
            "parts": safe,
            "more": mark_safe(more),  # noqa: S308 - rendered by our own template
            "events_token": ".".join(tokens[key] for key in cache.also_shown_on("product")),
        }


class _Lazy:
    """The product page's data, loaded on first use: a page whose parts are all cached makes no
    query for them. `data["product"]` raises Product.DoesNotExist for a product not shown."""

    def __init__(self, load):
        self._load, self._data = load, None

    def all(self) -> dict:
        if self._data is None:
            self._data = self._load()
        return self._data

    def __getitem__(self, name):
        return self.all()[name]


class SuggestView(View):
    """GET /search/suggest/?q=…: JSON suggestions for the search box (products, producers, places)."""

    def get(self, request):
        text = (request.GET.get("q") or "")[:100]
        response = JsonResponse(search_suggestions(text=text))
        response["Cache-Control"] = "public, max-age=60"
        return response


class ProducerListView(SharedPageMixin, TemplateView):
    """/producers/: verified producers by where they are, what they make and their names."""

    template_name = "catalogue/producer_list.html"
    shared_partials = ("content",)

    def shows(self):
        return (PRODUCERS.key(), SITE.key())

    def reads(self):
        return cache.query_of(self.request.GET, [*ProducerFilter.base_filters, "page"])

    def shared_data(self):
        directory = producer_directory(params=self.request.GET, page=self.request.GET.get("page"))
        # An invalid value shows the form's error: this request's own page, not kept.
        self.keep_shared = not directory["filter"].form.errors
        query = self.request.GET.copy()
        query.pop("page", None)
        return directory | {"query_without_page": query.urlencode()}
