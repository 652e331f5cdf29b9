"""The producer's own area, /dashboard/, and the staff verification queue."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView

from accounts.ratelimits import RateLimitedFormMixin, email_key
from core.views import ActionView, ServiceFormView, flash_errors
from places.models import Place

from .. import services
from ..forms import (
    InviteForm,
    LogoForm,
    PaymentForm,
    PayoutReviewForm,
    PhotoForm,
    ProducerProfileForm,
    RegistrationBasicsForm,
    RegistrationPlaceForm,
    StateChangeForm,
    VerificationQueueFilterForm,
)
from ..models import PayoutChange, Producer, ProducerInvitation, ProducerMembership
from ..selectors import dashboard_home, payout_held_change, payout_history, payout_review_queue, verification_queue
from .mixins import CURRENT_PRODUCER_SESSION_KEY, ProducerMemberRequiredMixin, StaffRequiredMixin

REGISTRATION_SESSION_KEY = "producer_registration"


class DashboardView(ProducerMemberRequiredMixin, TemplateView):
    template_name = "producers/manage/dashboard.html"
    require_membership = False

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.producer is None:
            from ..services import invitations_for

            return context | {"my_invitations": list(invitations_for(self.request.user))}
        return context | dashboard_home(producer=self.producer, user=self.request.user)


class SwitchProducerView(ProducerMemberRequiredMixin, View):
    def post(self, request):
        try:
            producer_id = int(request.POST.get("producer", ""))
        except ValueError:
            raise Http404 from None
        if not any(m.producer_id == producer_id for m in self.memberships):
            raise Http404
        request.session[CURRENT_PRODUCER_SESSION_KEY] = producer_id
        return redirect("producers:dashboard")


class RegisterView(ProducerMemberRequiredMixin, FormView):
    """Registration, step 1 of 2: names, kind, language and province."""

    template_name = "producers/manage/register_basics.html"
    form_class = RegistrationBasicsForm
    require_membership = False

    def get_initial(self):
        return self.request.session.get(REGISTRATION_SESSION_KEY, {})

    def form_valid(self, form):
        self.request.session[REGISTRATION_SESSION_KEY] = form.cleaned_data
        return redirect("producers:register_place")


class RegisterPlaceView(ProducerMemberRequiredMixin, ServiceFormView):
    """Registration, step 2 of 2: the exact place, the story and contacts; then save."""

    template_name = "producers/manage/register_place.html"
    form_class = RegistrationPlaceForm
    success_url = reverse_lazy("producers:dashboard")
    require_membership = False

    def dispatch(self, request, *args, **kwargs):
        self.basics = request.session.get(REGISTRATION_SESSION_KEY)
        if not self.basics:
            return redirect("producers:register")
        self.province = Place.objects.filter(level="province", pk=self.basics.get("province")).first()
        if self.province is None:
            return redirect("producers:register")
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"province": self.province}

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"basics": self.basics, "province": self.province}

    def perform(self, form):
        data = form.cleaned_data
        basics = {k: v for k, v in self.basics.items() if k != "province"}
        producer = services.producer_register_naming_place(
            user=self.request.user,
            place=data.get("tambon") or self.province,
            town=data.get("town") or "",
            village=data.get("village") or "",
            story=data.get("story", ""),
            contact_phone=data.get("contact_phone", ""),
            contact_email=data.get("contact_email", ""),
            languages=[basics["own_language"]],
            **basics,
        )
        del self.request.session[REGISTRATION_SESSION_KEY]
        self.request.session[CURRENT_PRODUCER_SESSION_KEY] = producer.pk
        return producer

    def get_success_message(self, form) -> str:
        return _("%(name)s is registered. Our staff will verify it soon; until then it is not shown to visitors.") % {
            "name": self.result.display_name
        }


class ProfileEditView(ProducerMemberRequiredMixin, ServiceFormView):
    template_name = "producers/manage/profile_form.html"
    form_class = ProducerProfileForm
    success_url = reverse_lazy("producers:dashboard")
    success_message = gettext_lazy("Your profile is saved.")

    def get_form_kwargs(self):
        # A copy, so a failed save never leaves the shown producer half-changed.
        return super().get_form_kwargs() | {"instance": Producer.objects.get(pk=self.producer.pk)}

    def perform(self, form):
        fields = {name: form.cleaned_data[name] for name in services.PROFILE_FIELDS}
        return services.producer_update_profile(producer=Producer.objects.get(pk=self.producer.pk), **fields)


class PaymentEditView(ProducerMemberRequiredMixin, ServiceFormView):
    """The details buyers pay into: the ones in force, any change waiting for review, and the
    form to change them (managers only, with their password)."""

    template_name = "producers/manage/payment_form.html"
    form_class = PaymentForm
    success_url = reverse_lazy("producers:dashboard")
    managers_only = True

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"instance": Producer.objects.get(pk=self.producer.pk)}

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "held_change": payout_held_change(producer=self.producer),
            "review_needed": services.payout_review_needed(producer=self.producer),
            "review_days": services.payout_review_days(),
            "payout_changes": payout_history(producer=self.producer, limit=5),
        }

    def perform(self, form):
        fields = {name: form.cleaned_data[name] for name in services.PAYMENT_FIELDS}
        return services.producer_update_payment(
            producer=self.producer, by=self.request.user, password=form.cleaned_data["password"], **fields
        )

    def flash_success(self, form) -> None:
        if self.result.state == PayoutChange.State.HELD:
            messages.info(
                self.request,
                _(
                    "Your change is held for review by our staff. Until they approve it, buyers keep being "
                    "shown the details in force before. Every manager has been told by e-mail."
                ),
            )
        else:
            messages.success(self.request, _("Payment details saved. Every manager has been told by e-mail."))


class PhotosView(ProducerMemberRequiredMixin, ServiceFormView):
    """The logo and the photo gallery."""

    template_name = "producers/manage/photos.html"
    form_class = PhotoForm
    success_url = reverse_lazy("producers:photos")
    success_message = gettext_lazy("Photo added.")
    error_field = "image"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "photos": list(self.producer.photos.all()),
            "logo_form": kwargs.get("logo_form") or LogoForm(),
            "max_photos": services.MAX_PHOTOS,
        }

    def perform(self, form):
        return services.producer_add_photo(
            producer=self.producer, upload=form.cleaned_data["image"], caption=form.cleaned_data["caption"]
        )


class LogoUploadView(ProducerMemberRequiredMixin, ServiceFormView):
    template_name = "producers/manage/photos.html"
    form_class = LogoForm
    success_url = reverse_lazy("producers:photos")
    success_message = gettext_lazy("Logo saved.")
    error_field = "logo"

    def perform(self, form):
        return services.producer_set_logo(producer=self.producer, upload=form.cleaned_data["logo"])

    def form_invalid(self, form):
        return self.render_to_response(
            self.get_context_data(form=PhotoForm(), logo_form=form)
            | {"photos": list(self.producer.photos.all()), "max_photos": services.MAX_PHOTOS}
        )


class PhotoDeleteView(ProducerMemberRequiredMixin, View):
    def post(self, request, photo_id: int):
        try:
            services.producer_delete_photo(producer=self.producer, photo_id=photo_id)
        except ValidationError:
            raise Http404 from None
        messages.success(request, _("Photo deleted."))
        return redirect("producers:photos")


class MembersView(RateLimitedFormMixin, ProducerMemberRequiredMixin, ServiceFormView):
    template_name = "producers/manage/members.html"
    form_class = InviteForm
    success_url = reverse_lazy("producers:members")

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | dashboard_home(producer=self.producer, user=self.request.user)

    def rate_limits(self):
        return [
            ("invite-account", str(self.request.user.pk)),
            ("invite-address", email_key(self.request.POST.get("invitee"))),
        ]

    def perform(self, form):
        return services.membership_invite(producer=self.producer, by=self.request.user, **form.cleaned_data)

    def service_failed(self, form, error: ValidationError):
        response = super().service_failed(form, error)
        if getattr(error, "code", None) == "throttled":
            response.status_code = 429
        return response

    def get_success_message(self, form) -> str:
        # The same words whether or not the person has an account: they tell nobody's address.
        return _("Invitation sent. If %(invitee)s has an account, the invitation will show there.") % {
            "invitee": form.cleaned_data["invitee"].strip()
        }


class MemberChangeView(ProducerMemberRequiredMixin, ActionView):
    """A manager removes a member (`remove`) or gives a member a role (`manager`, `member`)."""

    managers_only = True

    def post(self, request, *args, **kwargs):
        # Another group's membership is not ours to see: 404, like every object that isn't yours.
        if not self.producer.memberships.filter(pk=self.kwargs["membership_id"]).exists():
            raise Http404
        return super().post(request, *args, **kwargs)

    def get_redirect_url(self) -> str:
        return reverse("producers:members")

    def action_remove(self, request, membership_id: int):
        services.membership_remove(producer=self.producer, by=request.user, membership_id=membership_id)
        messages.success(request, _("Member removed."))

    def action_manager(self, request, membership_id: int):
        self.set_role(membership_id, ProducerMembership.Role.MANAGER)

    def action_member(self, request, membership_id: int):
        self.set_role(membership_id, ProducerMembership.Role.MEMBER)

    def set_role(self, membership_id: int, role: str) -> None:
        services.membership_set_role(producer=self.producer, by=self.request.user, membership_id=membership_id, role=role)
        messages.success(self.request, _("Role changed."))


class LeaveView(ProducerMemberRequiredMixin, View):
    def post(self, request):
        try:
            services.membership_leave(producer=self.producer, user=request.user)
        except ValidationError as error:
            flash_errors(request, error)
            return redirect("producers:members")
        request.session.pop(CURRENT_PRODUCER_SESSION_KEY, None)
        messages.success(request, _("You have left %(name)s.") % {"name": self.producer.display_name})
        return redirect("producers:dashboard")


class InvitationView(ProducerMemberRequiredMixin, TemplateView):
    template_name = "producers/manage/invitation.html"
    require_membership = False

    def get_invitation(self) -> ProducerInvitation:
        invitation = services.invitations_for(self.request.user).filter(token=self.kwargs["token"]).first()
        if invitation is None:
            raise Http404
        return invitation

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"invitation": self.get_invitation()}

    def post(self, request, token: str):
        invitation = self.get_invitation()
        accept = request.POST.get("answer") == "accept"
        services.invitation_answer(invitation=invitation, user=request.user, accept=accept)
        if accept:
            request.session[CURRENT_PRODUCER_SESSION_KEY] = invitation.producer_id
            messages.success(request, _("You are now a member of %(name)s.") % {"name": invitation.producer.display_name})
        else:
            messages.info(request, _("Invitation declined."))
        return redirect("producers:dashboard")


class VerificationQueueView(StaffRequiredMixin, TemplateView):
    """Producers by verification state, searched and paged, each with its contacts and the
    buttons that verify or suspend it."""

    template_name = "producers/manage/verification_queue.html"
    paginate_by = 20

    def get_context_data(self, **kwargs):
        filter_form = VerificationQueueFilterForm(self.request.GET)
        filters = filter_form.filters()
        page = Paginator(verification_queue(**filters), self.paginate_by).get_page(self.request.GET.get("page"))
        queue = [
            {
                "producer": producer,
                # One form per producer, each with its own ids, so every "Reason" label names its own box.
                "form": StateChangeForm(auto_id=f"id_{producer.pk}_%s"),
                "managers": [m.user for m in producer.memberships.all() if m.role == ProducerMembership.Role.MANAGER],
                "members": [m.user for m in producer.memberships.all() if m.role != ProducerMembership.Role.MANAGER],
            }
            for producer in page.object_list
        ]
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(**kwargs) | {
            "queue": queue,
            "state": filters["state"],
            "search": filters["query"],
            "states": Producer.State.choices,
            "filter_form": filter_form,
            "page_obj": page,
            "query_without_page": query.urlencode(),
        }


class ProducerStateView(StaffRequiredMixin, ServiceFormView):
    """Staff move a producer to the POSTed ``to_state``; the answer is a message on the queue."""

    form_class = StateChangeForm
    http_method_names = ["post", "options"]

    def post(self, request, *args, **kwargs):
        self.producer = get_object_or_404(Producer, pk=kwargs["pk"])
        return super().post(request, *args, **kwargs)

    def perform(self, form):
        return services.producer_set_state(
            producer=self.producer, to_state=self.to_state, by=self.request.user, reason=form.cleaned_data["reason"]
        )

    @property
    def to_state(self) -> str:
        return self.request.POST.get("to_state", "")

    def get_success_message(self, form) -> str:
        return _("%(name)s is now %(state)s.") % {
            "name": self.producer.display_name, "state": Producer.State(self.to_state).label
        }

    def get_success_url(self) -> str:
        return f"{reverse('producers:verification_queue')}?state={self.producer.state}"

    def service_failed(self, form, error: ValidationError):
        flash_errors(self.request, error)
        return redirect(self.get_success_url())

    def form_invalid(self, form):
        messages.error(self.request, _("The reason is too long."))
        return redirect(self.get_success_url())


class PayoutReviewQueueView(StaffRequiredMixin, TemplateView):
    """Held payout changes for staff to approve or reject."""

    template_name = "producers/manage/payout_review_queue.html"

    def get_context_data(self, **kwargs):
        queue = [(change, PayoutReviewForm(auto_id=f"id_{change.pk}_%s")) for change in payout_review_queue()]
        return super().get_context_data(**kwargs) | {"queue": queue}


class PayoutChangeReviewView(StaffRequiredMixin, ActionView):
    """Approve or reject one held payout change (`decision` is "approve" or "reject")."""

    action_field = "decision"

    def post(self, request, *args, **kwargs):
        self.change = get_object_or_404(PayoutChange, pk=self.kwargs["pk"])
        return super().post(request, *args, **kwargs)

    def get_redirect_url(self) -> str:
        return reverse("producers:payout_review_queue")

    def unknown_action(self):
        messages.error(self.request, _("Choose approve or reject."))
        return HttpResponseRedirect(self.get_redirect_url())

    def action_approve(self, request, *args, **kwargs):
        if self.review(approve=True):
            messages.success(request, _("The change is approved and in force."))

    def action_reject(self, request, *args, **kwargs):
        if self.review(approve=False):
            messages.success(request, _("The change is rejected."))

    def review(self, *, approve: bool) -> bool:
        """Record the decision; False (with a message) when the note is too long."""
        form = PayoutReviewForm(self.request.POST)
        if not form.is_valid():
            messages.error(self.request, _("The note is too long."))
            return False
        services.payout_change_review(change=self.change, by=self.request.user, approve=approve, note=form.cleaned_data["note"])
        return True
