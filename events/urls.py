from django.urls import path

from .views import applications, manage, public

app_name = "events"

urlpatterns = [
    path("events/", public.EventListView.as_view(), name="event_list"),
    path("events/<slug:slug>/", public.EventDetailView.as_view(), name="event_detail"),
    path("events/<slug:slug>/exhibitors/", public.ExhibitorListView.as_view(), name="exhibitors"),
    path("dashboard/events/", applications.ApplicationListView.as_view(), name="my_applications"),
    path("dashboard/events/<slug:slug>/apply/", applications.ApplyView.as_view(), name="apply"),
    path("dashboard/events/applications/<int:pk>/withdraw/", applications.WithdrawView.as_view(), name="withdraw"),
    # The organiser's area: events, layout, applications, assignment, the days.
    path("organiser/", manage.OrganiserHomeView.as_view(), name="organiser_home"),
    path("organiser/<slug:slug>/", manage.EventOverviewView.as_view(), name="organiser_event"),
    path("organiser/<slug:slug>/edit/", manage.EventEditView.as_view(), name="organiser_event_edit"),
    path("organiser/<slug:slug>/status/", manage.EventStatusView.as_view(), name="organiser_status"),
    path("organiser/<slug:slug>/layout/", manage.LayoutView.as_view(), name="organiser_layout"),
    path("organiser/<slug:slug>/stalls/", manage.StallFindView.as_view(), name="organiser_stall_find"),
    path("organiser/<slug:slug>/stalls/<int:pk>/", manage.StallEditView.as_view(), name="organiser_stall"),
    path("organiser/<slug:slug>/applications/", manage.ApplicationsView.as_view(), name="organiser_applications"),
    path("organiser/<slug:slug>/plan/", manage.PlanView.as_view(), name="organiser_plan"),
    path("organiser/<slug:slug>/plan/print/", manage.PlanPrintView.as_view(), name="organiser_plan_print"),
    path("organiser/<slug:slug>/proposal/", manage.ProposalView.as_view(), name="organiser_proposal"),
    path("organiser/<slug:slug>/stalls.csv", manage.StallListCsvView.as_view(), name="organiser_stalls_csv"),
    path("organiser/<slug:slug>/signs/", manage.StallSignsView.as_view(), name="organiser_signs"),
    path("organiser/<slug:slug>/check-in/", manage.CheckInView.as_view(), name="organiser_check_in"),
]
