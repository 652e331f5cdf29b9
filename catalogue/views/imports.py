"""Listing import and export in /dashboard/products/: upload, preview, confirm or cancel, export.

The uploaded file waits in the private storage between the preview and the confirmation (see
catalogue.importing, docs/media.md); nothing is written to the catalogue before the producer confirms, and
then everything or nothing.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from core.views import ActionView, flash_errors
from producers.views.mixins import ProducerMemberRequiredMixin

from .. import importing
from ..forms import ListingImportForm
from ..models import CertificationType

PREVIEW_ROWS = 200
EXPORT_FORMATS = {"csv": importing.CSV_CONTENT_TYPE, "xlsx": importing.XLSX_CONTENT_TYPE}


class ListingImportView(ProducerMemberRequiredMixin, FormView):
    """Upload a file: a file that cannot be imported at all is refused here, with the reason;
    any other is kept and its rows are shown in the preview."""

    template_name = "catalogue/manage/import_upload.html"
    form_class = ListingImportForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "columns": importing.COLUMNS,
            "required_columns": importing.REQUIRED_COLUMNS,
            "certification_kinds": CertificationType.values,
            "categories": importing.import_categories(),
            "max_rows": importing.MAX_ROWS,
        }

    def form_valid(self, form):
        token = importing.import_file_store(producer=self.producer, data=form.file_data)
        return redirect("catalogue:listing_import_preview", token=token)


class ListingImportPreviewView(ProducerMemberRequiredMixin, ActionView, TemplateView):
    """What importing the file would do, row by row; POST `action=import` saves it all (or
    nothing when a row has a problem), `action=cancel` throws the file away."""

    template_name = "catalogue/manage/import_preview.html"

    def source(self):
        data = importing.import_file_read(producer=self.producer, token=self.kwargs["token"])
        if data is None:
            raise Http404
        return importing.listings_parse(data)

    def get(self, request, *args, **kwargs):
        try:
            table = self.source()
        except ValidationError as error:
            return self.refuse(error)
        report = importing.listings_check(producer=self.producer, rows=table.rows)
        return self.render_to_response(
            self.get_context_data(
                report=report,
                shown_rows=report.rows[:PREVIEW_ROWS],
                hidden_row_count=max(len(report.rows) - PREVIEW_ROWS, 0),
                problems=report.problems,
                file_format=table.file_format,
                token=self.kwargs["token"],
            )
        )

    def post(self, request, *args, **kwargs):
        try:
            self.table = self.source()
        except ValidationError as error:
            return self.refuse(error)
        return super().post(request, *args, **kwargs)

    def get_redirect_url(self) -> str:
        return reverse("catalogue:listing_import_preview", kwargs={"token": self.kwargs["token"]})

    def action_cancel(self, request, *args, **kwargs):
        importing.import_file_delete(producer=self.producer, token=self.kwargs["token"])
        messages.info(request, _("Import cancelled: nothing was saved."))
        return redirect("catalogue:listings")

    def action_import(self, request, *args, **kwargs):
        report = importing.listings_import(producer=self.producer, rows=self.table.rows)
        importing.import_file_delete(producer=self.producer, token=self.kwargs["token"])
        messages.success(
            request,
            _("Import done: %(new)s new products, %(updated)s updated, %(unchanged)s unchanged.")
            % {"new": report.new_count, "updated": report.updated_count, "unchanged": report.unchanged_count},
        )
        return redirect("catalogue:listings")

    def refuse(self, error: ValidationError):
        """A stored file that no longer reads (the rules changed since it was uploaded)."""
        importing.import_file_delete(producer=self.producer, token=self.kwargs["token"])
        flash_errors(self.request, error)
        return redirect("catalogue:listing_import")


class ListingExportView(ProducerMemberRequiredMixin, View):
    """The current producer's listings as CSV (`?format=csv`, the default) or XLSX."""

    def get(self, request):
        file_format = request.GET.get("format", "csv")
        if file_format not in EXPORT_FORMATS:
            raise Http404
        content = importing.listings_export(producer=self.producer, file_format=file_format)
        filename = f"{self.producer.slug}-products-{timezone.localdate():%Y-%m-%d}.{file_format}"
        response = HttpResponse(content, content_type=EXPORT_FORMATS[file_format])
        response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
        return response
