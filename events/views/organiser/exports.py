"""What leaves the site: the stall list as CSV, the plan to print, the signs for the stalls."""

import csv
import io

import segno
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe
from django.views import View
from django.views.generic import TemplateView

from core.exports import spreadsheet_row

from ... import selectors
from ..mixins import EventOrganiserRequiredMixin

SIGNS_PER_PAGE = 200
CSV_HEADER = [
    "stall", "zone", "x", "y", "width", "depth", "features", "fee", "producer", "producer slug", "province",
    "application state", "fee state", "checked in",
]


class StallListCsvView(EventOrganiserRequiredMixin, View):
    """One row per stall: where it is, what it has, who holds it, fee and check-in."""

    def get(self, request, *args, **kwargs):
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(CSV_HEADER)
        for stall in selectors.stall_list(event=self.event):
            holder = stall.holder
            producer = holder.producer if holder else None
            # A producer's name such as "=HYPERLINK(…)" must not become a live formula.
            writer.writerow(spreadsheet_row([
                stall.code,
                stall.zone.code,
                stall.x,
                stall.y,
                stall.width,
                stall.depth,
                " ".join(stall.features),
                stall.fee,
                producer.display_name if producer else "",
                producer.slug if producer else "",
                producer.province.name if producer else "",
                holder.application.state if holder else "",
                holder.fee_state if holder else "",
                timezone.localtime(holder.checked_in_at).strftime("%Y-%m-%d %H:%M") if holder and holder.checked_in_at else "",
            ]))
        # UTF-8 with a BOM, which Excel needs to show Thai and Japanese names.
        response = HttpResponse(out.getvalue().encode("utf-8-sig"), content_type="text/csv; charset=utf-8")
        filename = f"{self.event.slug}-stalls-{timezone.localdate():%Y-%m-%d}.csv"
        response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
        return response


class PlanPrintView(EventOrganiserRequiredMixin, TemplateView):
    """The stall list to print: a table per zone with each stall's holder."""

    template_name = "events/manage/plan_print.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "stalls": selectors.stall_list(event=self.event),
            "printed_at": timezone.localtime(),
        }


class StallSignsView(EventOrganiserRequiredMixin, TemplateView):
    """One sign per assigned stall, one per printed page: the producer's name, the stall code and
    a QR code to the producer's page on the site. `?zone=B` prints one zone's signs; a large fair
    prints in batches (`?page=`), as drawing a QR code takes some milliseconds."""

    template_name = "events/manage/signs.html"

    def get_context_data(self, **kwargs):
        zone = self.request.GET.get("zone", "")[:8]
        page = Paginator(selectors.event_assignments(event=self.event, zone=zone), SIGNS_PER_PAGE).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        signs = []
        for assignment in page.object_list:
            url = self.request.build_absolute_uri(reverse("producers:producer_detail", args=[assignment.producer.slug]))
            # segno draws the QR code as SVG markup from the URL alone: nothing user-written is in it.
            qr = mark_safe(segno.make(url, error="m").svg_inline(scale=4))  # noqa: S308
            signs.append({"assignment": assignment, "url": url, "qr": qr})
        return super().get_context_data(**kwargs) | {
            "signs": signs,
            "page_obj": page,
            "query_without_page": query.urlencode(),
            "zones": selectors.layout_zones(event=self.event),
            "zone": zone,
        }
