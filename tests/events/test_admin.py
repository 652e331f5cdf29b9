"""Staff in the Django admin (events/admin.py): an event's status is shown, never edited there,
since only the event lifecycle moves it and writes its history."""

from events.models import Event, EventStatusChange
from tests.factories import EventFactory, log_in


def test_the_event_admin_cannot_change_an_events_status(client, staff_user, places):
    event = EventFactory(status=Event.Status.OPEN)
    log_in(client, staff_user)
    url = f"/admin/events/event/{event.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="status"' not in page.content.decode()

    response = client.post(
        url,
        {
            "name": event.name, "name_th": "", "name_ja": "", "slug": event.slug, "venue": event.venue,
            "place": event.place_id, "starts_on": event.starts_on.isoformat(), "ends_on": event.ends_on.isoformat(),
            "status": Event.Status.FINISHED,
            "organisers-TOTAL_FORMS": "0", "organisers-INITIAL_FORMS": "0",
            "status_changes-TOTAL_FORMS": "0", "status_changes-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    event.refresh_from_db()
    assert event.status == Event.Status.OPEN
    assert not EventStatusChange.objects.filter(event=event).exists()
