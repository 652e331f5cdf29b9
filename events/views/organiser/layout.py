"""An event's layout: zones, blocks of stalls, a copied layout, finding and editing one stall."""

import copy

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View

from ... import selectors, services
from ...forms import LayoutCopyForm, StallFindForm, StallForm, StallGridForm, ZoneForm
from ...models import Stall, StallAssignment, Zone
from ..mixins import EventOrganiserRequiredMixin
from .common import EventActionPage


class LayoutView(EventActionPage):
    """Zones (new, edited or removed), the stall grid generator, and copying the layout of another
    event: `action=zone`, `zone_delete`, `grid` or `copy`. A form with errors is shown again on
    the page."""

    template_name = "events/manage/layout.html"
    actions = ("zone", "grid", "copy", "zone_delete")

    def edited_zone(self, value) -> Zone | None:
        value = str(value or "")
        if not value.isdigit():
            return None
        return Zone.objects.filter(event=self.event, pk=int(value)).first()

    def get_context_data(self, **kwargs):
        zone = self.edited_zone(self.request.GET.get("zone"))
        sources = selectors.layout_sources(user=self.request.user, event=self.event)
        zones = selectors.layout_zones(event=self.event)
        return super().get_context_data(**kwargs) | {
            "zones": zones,
            "stall_count": sum(z.stall_count for z in zones),
            "edited_zone": kwargs.get("edited_zone", zone),
            "zone_form": kwargs.get("zone_form") or ZoneForm(instance=copy.copy(zone) if zone else None),
            "grid_form": kwargs.get("grid_form")
            or StallGridForm(event=self.event, initial={"zone": zone or (zones[-1] if zones else None), "origin_y": selectors.next_block_top(event=self.event)}),
            "copy_form": kwargs.get("copy_form") or LayoutCopyForm(sources=sources),
            "can_copy": not zones and sources.exists(),
        }

    def get_redirect_url(self) -> str:
        return reverse("events:organiser_layout", args=[self.event.slug])

    def action_zone(self, request, *args, **kwargs):
        zone = self.edited_zone(request.POST.get("zone_id"))
        form = ZoneForm(request.POST, instance=copy.copy(zone) if zone else Zone(event=self.event))
        return self.form_action(
            form,
            perform=lambda data: services.zone_save(event=self.event, by=request.user, zone=zone, **data),
            message=lambda saved: _("Zone %(code)s saved.") % {"code": saved.code},
            context={"zone_form": form, "edited_zone": zone},
        )

    def action_zone_delete(self, request, *args, **kwargs):
        zone = self.edited_zone(request.POST.get("zone_id"))
        if zone is None:
            raise ValidationError(_("That zone is gone: another organiser removed it."))
        if request.POST.get("confirm") != "1":
            raise ValidationError(_("Tick the box to confirm that zone %(code)s is to be removed.") % {"code": zone.code})
        count = services.zone_delete(zone=zone, by=request.user)
        messages.success(
            request,
            ngettext("Zone %(code)s removed with its %(count)s stall.", "Zone %(code)s removed with its %(count)s stalls.", count)
            % {"code": zone.code, "count": count},
        )

    def action_grid(self, request, *args, **kwargs):
        form = StallGridForm(request.POST, event=self.event)
        return self.form_action(
            form,
            perform=lambda data: services.stall_grid_create(event=self.event, by=request.user, **data),
            message=lambda stalls: ngettext(
                "%(count)s stall made in zone %(zone)s: %(first)s to %(last)s.",
                "%(count)s stalls made in zone %(zone)s: %(first)s to %(last)s.",
                len(stalls),
            )
            % {"count": len(stalls), "zone": form.cleaned_data["zone"].code, "first": stalls[0].code, "last": stalls[-1].code},
            context={"grid_form": form},
        )

    def action_copy(self, request, *args, **kwargs):
        form = LayoutCopyForm(request.POST, sources=selectors.layout_sources(user=request.user, event=self.event))
        return self.form_action(
            form,
            perform=lambda data: services.layout_copy(source=data["source"], target=self.event, by=request.user),
            message=lambda count: ngettext("Layout of %(event)s copied: %(count)s stall.", "Layout of %(event)s copied: %(count)s stalls.", count)
            % {"event": form.cleaned_data["source"].display_name, "count": count},
            context={"copy_form": form},
        )


class StallFindView(EventOrganiserRequiredMixin, View):
    """`?code=B-12` from the layout page: to that stall's page, or back with a message."""

    def get(self, request, *args, **kwargs):
        form = StallFindForm(request.GET)
        back = reverse("events:organiser_layout", args=[self.event.slug]) + "#stall-find"
        if not form.is_valid():
            messages.error(request, _("Type the code of a stall, such as B-12."))
            return redirect(back)
        code = form.cleaned_data["code"]
        stall = selectors.stall_find(event=self.event, code=code)
        if stall is None:
            messages.error(request, _("This event has no stall %(code)s.") % {"code": code})
            return redirect(back)
        return redirect("events:organiser_stall", slug=self.event.slug, pk=stall.pk)


class StallEditView(EventActionPage):
    """One stall of the event: `action=save` changes its code, zone, place, size, fee and
    features; `action=delete` (with `confirm` ticked) deletes it, which is refused while a
    producer holds it or a proposal under review gives it away. A stall of another event is a 404."""

    template_name = "events/manage/stall_edit.html"
    actions = ("save", "delete")

    def get_stall(self) -> Stall:
        return get_object_or_404(Stall.objects.filter(event=self.event).select_related("event", "zone"), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        stall = kwargs.get("stall") or self.get_stall()
        holder = StallAssignment.objects.filter(stall=stall).select_related("producer").first()
        return super().get_context_data(**kwargs) | {
            "stall": stall,
            "holder": holder,
            "form": kwargs.get("form") or StallForm(instance=copy.copy(stall), event=self.event),
        }

    def post(self, request, *args, **kwargs):
        self.stall = self.get_stall()
        return super().post(request, *args, **kwargs)

    def get_redirect_url(self) -> str:
        return reverse("events:organiser_stall", args=[self.event.slug, self.stall.pk])

    def action_save(self, request, *args, **kwargs):
        # A copy, so the page's heading keeps the saved code while the form shows its errors.
        form = StallForm(request.POST, instance=copy.copy(self.stall), event=self.event)
        return self.form_action(
            form,
            perform=lambda data: services.stall_update(stall=self.stall, by=request.user, **data),
            message=lambda saved: _("Stall %(code)s saved.") % {"code": saved.code},
            context={"stall": self.stall, "form": form},
            success_url=reverse("events:organiser_layout", args=[self.event.slug]),
        )

    def action_delete(self, request, *args, **kwargs):
        stall = self.stall
        if request.POST.get("confirm") != "1":
            raise ValidationError(_("Tick the box to confirm that stall %(code)s is to be deleted.") % {"code": stall.code})
        services.stall_delete(stall=stall, by=request.user)
        messages.success(request, _("Stall %(code)s deleted.") % {"code": stall.code})
        return redirect("events:organiser_layout", slug=self.event.slug)
