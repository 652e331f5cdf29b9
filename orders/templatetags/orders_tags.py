"""What the marketplace adds to other apps' pages: the stock held by unpaid orders on the
producer's listings, favourites and reviews, the figures of the producer's overview."""

from functools import partial

from django import template
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from catalogue.templatetags.catalogue_tags import money
from core.charts import Chart, Row, Series, format_count

from .. import selectors

register = template.Library()


@register.simple_tag
def unpaid_reservations(products) -> dict:
    """`{% unpaid_reservations products as reservations %}`: the units each product (a list, or
    one product) has held by unpaid orders, in one query."""
    if products is None:
        return {}
    if hasattr(products, "pk"):
        products = [products]
    return selectors.unpaid_reservations(product_ids=[product.pk for product in products])


@register.inclusion_tag("orders/partials/reservation_note.html")
def reservation_note(reservations: dict, product) -> dict:
    """`{% reservation_note reservations product %}`: "N reserved in M unpaid orders", linking
    to those orders, or nothing when none holds the product."""
    return {"reservation": (reservations or {}).get(product.pk), "product": product}


@register.inclusion_tag("orders/partials/favourite_button.html", takes_context=True)
def favourite_button(context, *, product=None, producer=None) -> dict:
    """`{% favourite_button product=product.pk %}` (or `producer=`): the button that adds it to
    the visitor's favourites or takes it out; nothing for a visitor who is not logged in."""
    user = context["user"]
    return {
        "user": user,
        "csrf_token": context.get("csrf_token"),
        "kind": "product" if product is not None else "producer",
        "pk": product if product is not None else producer,
        "is_favourite": user.is_authenticated
        and selectors.is_favourite(user=user, product=product, producer=producer),
    }


@register.simple_tag
def product_reviews(product_id: int) -> dict:
    """`{% product_reviews product.pk as reviews %}`: the product's latest reviews (`reviews`)
    with their average (`review_average`) and number (`review_count`). One query."""
    return selectors.product_reviews(product_id=product_id)


def axis_date(day) -> str:
    """A day as a chart's axis writes it: short, in the active language (6 Oct, 10月6日)."""
    return date_format(day, pgettext("a short date on a chart's axis: a PHP-style date format", "j M"))


@register.simple_tag
def producer_figures(producer) -> dict:
    """`{% producer_figures producer as figures %}`: the producer overview's figures in the
    producer's currency: `sales` (a chart of the last weeks), `top_products` (a chart of the
    best sellers), `actions` (orders waiting, by kind of action) and `currency`. Three queries."""
    figures = selectors.producer_figures(producer=producer)
    in_currency = partial(money, currency=figures.currency)
    weeks = len(figures.weeks)
    sales = Chart(
        slug="sales-by-week",
        kind="columns",
        title=ngettext("Sales by week, the last %(weeks)d week", "Sales by week, the last %(weeks)d weeks", weeks) % {"weeks": weeks},
        label_heading=_("Week"),
        series=[Series(_("Sales"))],
        rows=[
            Row(
                label=_("Week of %(date)s") % {"date": date_format(week.starts_on, "DATE_FORMAT")},
                values=(week.total,),
                axis_label=axis_date(week.starts_on),
            )
            for week in figures.weeks
        ],
        format_value=in_currency,
        extra_columns=[(_("Orders"), [format_count(week.orders) for week in figures.weeks])],
        empty_text=_("No sales in these weeks yet. Orders count once they are paid for or sent."),
    )
    top = Chart(
        slug="top-products",
        title=ngettext(
            "Best sellers by revenue, the last %(days)d day", "Best sellers by revenue, the last %(days)d days", figures.top_days
        ) % {"days": figures.top_days},
        label_heading=_("Product"),
        series=[Series(_("Revenue"), tone="success")],
        rows=[Row(label=product.name, values=(product.revenue,)) for product in figures.top_products],
        format_value=in_currency,
        extra_columns=[(_("Units sold"), [format_count(product.units) for product in figures.top_products])],
        empty_text=_("Nothing sold in these days yet."),
    )
    return {
        "currency": figures.currency,
        "sales": sales,
        "sales_total": in_currency(figures.sales_total),
        "top_products": top,
        "actions": figures.actions,
        "has_actions": any(group.count for kind, group in figures.actions.items() if kind != "unpaid"),
    }
