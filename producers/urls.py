from django.urls import path

from .views import manage, public

app_name = "producers"

urlpatterns = [
    path("producers/<slug:slug>/", public.ProducerDetailView.as_view(), name="producer_detail"),
    path("dashboard/", manage.DashboardView.as_view(), name="dashboard"),
    path("dashboard/switch/", manage.SwitchProducerView.as_view(), name="switch"),
    path("dashboard/register/", manage.RegisterView.as_view(), name="register"),
    path("dashboard/register/place/", manage.RegisterPlaceView.as_view(), name="register_place"),
    path("dashboard/profile/", manage.ProfileEditView.as_view(), name="profile"),
    path("dashboard/payment/", manage.PaymentEditView.as_view(), name="payment"),
    path("dashboard/photos/", manage.PhotosView.as_view(), name="photos"),
    path("dashboard/photos/logo/", manage.LogoUploadView.as_view(), name="logo"),
    path("dashboard/photos/<int:photo_id>/delete/", manage.PhotoDeleteView.as_view(), name="photo_delete"),
    path("dashboard/members/", manage.MembersView.as_view(), name="members"),
    path("dashboard/members/<int:membership_id>/", manage.MemberChangeView.as_view(), name="member_change"),
    path("dashboard/leave/", manage.LeaveView.as_view(), name="leave"),
    path("dashboard/invitations/<str:token>/", manage.InvitationView.as_view(), name="invitation"),
    path("staff/producers/", manage.VerificationQueueView.as_view(), name="verification_queue"),
    path("staff/producers/<int:pk>/state/", manage.ProducerStateView.as_view(), name="producer_state"),
    path("staff/payout-changes/", manage.PayoutReviewQueueView.as_view(), name="payout_review_queue"),
    path("staff/payout-changes/<int:pk>/review/", manage.PayoutChangeReviewView.as_view(), name="payout_change_review"),
]
