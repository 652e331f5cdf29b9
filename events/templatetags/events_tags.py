"""What events add to other apps' pages (where a producer exhibits today, the events to come)
and the charts of the organiser's overviews."""

from functools import partial

from django import template
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from catalogue.templatetags.catalogue_tags import money
from core.charts import Chart, Row, Series, format_count

from .. import selectors
from ..models import StallAssignment

register = template.Library()


@register.inclusion_tag("events/partials/stall_notes.html")
def stall_notes(producer_id: int) -> dict:
    """`{% stall_notes producer.pk %}`: "At OTOP City now: stall B-26", for each event where the
    producer exhibits today; nothing when none. One query."""
    return {"stall_notes": selectors.current_stalls_for(producer_id=producer_id)}


@register.simple_tag
def upcoming_events(limit: int = 3) -> list:
    """`{% upcoming_events 3 as events %}`: the next events to come. One query."""
    return selectors.upcoming_events(limit=limit)


def axis_date(day) -> str:
    """A day as a chart's axis writes it: short, in the active language (6 Oct, 10月6日)."""
    return date_format(day, pgettext("a short date on a chart's axis: a PHP-style date format", "j M"))


@register.simple_tag
def event_figures(event, counts) -> dict:
    """`{% event_figures event counts as figures %}`: the charts of an event's overview:
    `applications` by state (from `counts`, selectors.event_counts), `occupancy` and `fees` by
    zone (fees in the event's currency), `check_ins` by fair day; the fee totals. Two queries."""
    figures = selectors.event_figures(event=event)
    in_currency = partial(money, currency=figures.currency)
    applications_url = reverse("events:organiser_applications", args=[event.slug])
    zone_rows = [(f"{zone.zone.code} · {zone.zone.display_name}", zone) for zone in figures.zones]
    fee = StallAssignment.Fee
    return {
        "currency": figures.currency,
        "applications": Chart(
            slug="applications",
            title=_("Applications by state"),
            label_heading=_("State"),
            series=[Series(_("Applications"))],
            rows=[
                Row(label=capfirst(label), values=(count,), key=value, link=f"{applications_url}?state={value}")
                for value, label, count in counts.applications
            ],
            empty_text=_("No applications yet."),
        ),
        "occupancy": Chart(
            slug="occupancy",
            title=_("Stalls assigned by zone"),
            label_heading=_("Zone"),
            series=[Series(_("Assigned")), Series(_("Free"), tone="free")],
            total_heading=_("Stalls"),
            rows=[Row(label=label, values=(zone.assigned, zone.free), key=zone.zone.code) for label, zone in zone_rows],
            empty_text=_("No stalls yet: lay out zones and stalls first."),
        ),
        "fees": Chart(
            slug="fees",
            title=_("Stall fees by zone"),
            label_heading=_("Zone"),
            series=[
                Series(capfirst(fee.PAID.label), tone="success"),
                Series(capfirst(fee.INVOICED.label), tone="accent"),
                Series(capfirst(fee.NONE.label), tone="muted"),
            ],
            total_heading=_("All fees"),
            rows=[
                Row(label=label, values=(zone.fees_paid, zone.fees_invoiced, zone.fees_not_invoiced), key=zone.zone.code)
                for label, zone in zone_rows
            ],
            format_value=in_currency,
            extra_columns=[
                (_("Stalls paid"), [format_count(zone.paid) for _label, zone in zone_rows]),
                (_("Stalls not paid"), [format_count(zone.invoiced + zone.not_invoiced) for _label, zone in zone_rows]),
            ],
            empty_text=_("No fee is due yet: no assigned stall has a fee."),
        ),
        "check_ins": Chart(
            slug="check-ins",
            kind="columns",
            title=_("Exhibitors checked in by fair day"),
            label_heading=_("Day"),
            series=[Series(_("Checked in"), tone="success")],
            rows=[Row(label=date_format(day, "DATE_FORMAT"), values=(n,), axis_label=axis_date(day)) for day, n in figures.check_ins],
            empty_text=_("Nobody has checked in yet."),
        ),
        "fees_due": in_currency(figures.fees_due),
        "fees_paid": in_currency(figures.fees_paid),
        # Paid first, beside what is due; then what is still owed, invoiced or not.
        "fee_states": sorted(
            ((value, capfirst(label), in_currency(figures.fees(value)), stalls) for value, label, stalls in counts.fees),
            key=lambda state: [fee.PAID, fee.INVOICED, fee.NONE].index(state[0]),
        ),
    }


@register.simple_tag
def events_occupancy(events) -> Chart:
    """`{% events_occupancy events as chart %}`: the stalls assigned and free of each of the
    organiser's events that has stalls (selectors.organiser_event_list counted them): no query."""
    with_stalls = [event for event in events if event.stall_count]
    return Chart(
        slug="events-occupancy",
        title=_("Stalls assigned by event"),
        label_heading=_("Event"),
        series=[Series(_("Assigned")), Series(_("Free"), tone="free")],
        total_heading=_("Stalls"),
        rows=[
            Row(label=event.display_name, values=(event.assigned_count, max(event.stall_count - event.assigned_count, 0)), key=event.slug)
            for event in with_stalls
        ],
        extra_columns=[(_("New applications"), [format_count(event.submitted_count) for event in with_stalls])],
        empty_text=_("None of your events has stalls yet."),
    )
