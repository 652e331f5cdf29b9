from django.urls import path

from .views import applications, organiser, public

app_name = "events"

urlpatterns = [
    path("events/", public.EventListView.as_view(), name="event_list"),
    path("events/<slug:slug>/", public.EventDetailView.as_view(), name="event_detail"),
    path("events/<slug:slug>/exhibitors/", public.ExhibitorListView.as_view(), name="exhibitors"),
    path("dashboard/events/", applications.ApplicationListView.as_view(), name="my_applications"),
    path("dashboard/events/<slug:slug>/apply/", applications.ApplyView.as_view(), name="apply"),
    path("dashboard/events/applications/<int:pk>/withdraw/", applications.WithdrawView.as_view(), name="withdraw"),
    path("dashboard/events/applications/<int:pk>/invoice/", applications.InvoiceView.as_view(), name="invoice"),
    # The organiser's area: events, layout, applications, assignment, the days.
    path("organiser/", organiser.OrganiserHomeView.as_view(), name="organiser_home"),
    path("organiser/<slug:slug>/", organiser.EventOverviewView.as_view(), name="organiser_event"),
    path("organiser/<slug:slug>/edit/", organiser.EventEditView.as_view(), name="organiser_event_edit"),
    path("organiser/<slug:slug>/status/", organiser.EventStatusView.as_view(), name="organiser_status"),
    path("organiser/<slug:slug>/layout/", organiser.LayoutView.as_view(), name="organiser_layout"),
    path("organiser/<slug:slug>/stalls/", organiser.StallFindView.as_view(), name="organiser_stall_find"),
    path("organiser/<slug:slug>/stalls/<int:pk>/", organiser.StallEditView.as_view(), name="organiser_stall"),
    path("organiser/<slug:slug>/applications/", organiser.ApplicationsView.as_view(), name="organiser_applications"),
    path("organiser/<slug:slug>/plan/", organiser.PlanView.as_view(), name="organiser_plan"),
    path("organiser/<slug:slug>/plan/print/", organiser.PlanPrintView.as_view(), name="organiser_plan_print"),
    path("organiser/<slug:slug>/proposal/", organiser.ProposalView.as_view(), name="organiser_proposal"),
    path("organiser/<slug:slug>/stalls.csv", organiser.StallListCsvView.as_view(), name="organiser_stalls_csv"),
    path("organiser/<slug:slug>/signs/", organiser.StallSignsView.as_view(), name="organiser_signs"),
    path("organiser/<slug:slug>/check-in/", organiser.CheckInView.as_view(), name="organiser_check_in"),
    path("organiser/<slug:slug>/fees/", organiser.TariffView.as_view(), name="organiser_tariff"),
    path("organiser/<slug:slug>/organisers/", organiser.OrganisersView.as_view(), name="organiser_organisers"),
    path("organiser/<slug:slug>/join/<str:token>/", organiser.OrganiserJoinView.as_view(), name="organiser_join"),
]
