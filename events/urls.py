from django.urls import path

from .views import applications, public

app_name = "events"

urlpatterns = [
    path("events/", public.EventListView.as_view(), name="event_list"),
    path("events/<slug:slug>/", public.EventDetailView.as_view(), name="event_detail"),
    path("events/<slug:slug>/exhibitors/", public.ExhibitorListView.as_view(), name="exhibitors"),
    path("dashboard/events/", applications.ApplicationListView.as_view(), name="my_applications"),
    path("dashboard/events/<slug:slug>/apply/", applications.ApplyView.as_view(), name="apply"),
    path("dashboard/events/applications/<int:pk>/withdraw/", applications.WithdrawView.as_view(), name="withdraw"),
]
