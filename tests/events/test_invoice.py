"""The exhibitor's events page (stall, fee and its state, the invoice, the venue's map) and the
invoice to print: who sees it, what it says, in baht as in yen."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from events import services
from events.models import Event, StallApplication, StallAssignment, Zone
from events.services.events import event_update
from places.models import Place
from tests.factories import EventFactory, OrganiserFactory, ProducerFactory, ProducerMembershipFactory, UserFactory, log_in

State = StallApplication.State
MAP = "https://www.openstreetmap.org/?mlat=13.9127&mlon=100.5468"


def invoice_url(application) -> str:
    return reverse("events:invoice", args=[application.pk])


@pytest.fixture
def held(event, exhibitor, organiser, layout):
    """The exhibitor's application holding corner stall B-1 (1,200 baht), invoiced."""
    event_update(
        event=event, by=organiser, map_url=MAP, organiser_name="OTOP Bangkok Committee", organiser_address="99 Popular Road\nPak Kret",
    )
    application = StallApplication.objects.create(event=event, producer=exhibitor, state=State.ACCEPTED)
    assignment = services.stall_assign(application=application, stall=layout["stalls"]["B-1"], by=organiser)
    services.stall_fee_set(assignment=assignment, by=organiser, state=StallAssignment.Fee.INVOICED)
    return application


class TestEventsPage:
    def test_it_shows_the_stall_the_fee_and_its_state_the_invoice_and_the_map(self, exhibitor_client, held):
        page = exhibitor_client.get(reverse("events:my_applications")).content.decode()

        assert "<strong>B-1</strong> · Zone B · Food hall · 3 × 3 m · corner" in page
        assert "฿1,200" in page and 'data-fee-state="invoiced"' in page and ">Invoiced<" in page
        assert invoice_url(held) in page
        assert f'href="{MAP.replace("&", "&amp;")}"' in page

    def test_an_accepted_application_without_a_stall_says_a_stall_will_come(self, exhibitor_client, event, exhibitor):
        application = StallApplication.objects.create(event=event, producer=exhibitor, state=State.ACCEPTED)

        page = exhibitor_client.get(reverse("events:my_applications")).content.decode()

        assert "the organisers will give you a stall" in page and invoice_url(application) not in page

    def test_a_rejection_shows_the_organisers_reason(self, exhibitor_client, event, exhibitor, organiser):
        application = StallApplication.objects.create(event=event, producer=exhibitor)
        services.application_transition(application=application, to_state=State.REJECTED, by=organiser, note="Only food this year.")

        page = exhibitor_client.get(reverse("events:my_applications")).content.decode()

        assert "Reason: Only food this year." in page

    def test_it_reads_in_a_fixed_number_of_queries(self, exhibitor_client, exhibitor, organiser, held, django_assert_max_num_queries):
        for number in range(4):
            other = EventFactory(slug=f"earlier-fair-{number}")
            OrganiserFactory(event=other, user=organiser)
            zone = Zone.objects.create(event=other, code="A", name="Hall")
            stall = services.stall_grid_create(event=other, by=organiser, zone=zone, rows=1, columns=1)[0]
            application = StallApplication.objects.create(event=other, producer=exhibitor, state=State.ACCEPTED)
            services.stall_assign(application=application, stall=stall, by=organiser)

        with django_assert_max_num_queries(12):
            response = exhibitor_client.get(reverse("events:my_applications"))

        assert response.content.decode().count("Invoice to print") == 5


class TestInvoice:
    def test_it_names_the_organiser_the_exhibitor_the_stall_the_fee_and_its_state(self, exhibitor_client, held):
        response = exhibitor_client.get(invoice_url(held))

        page = response.content.decode()
        assert response.status_code == 200
        assert f"{held.event_id:04d}-{held.pk:06d}" in page
        assert "OTOP Bangkok Committee" in page and "99 Popular Road<br>Pak Kret" in page
        assert "Tha Sawang Silk" in page and "silk@tha-sawang.example" in page
        assert "Stall B-1" in page and "Zone B · Food hall" in page and "3 × 3 m · corner" in page
        assert page.count("฿1,200") == 2  # the line and the total
        assert 'data-fee-state="invoiced"' in page and "Please pay the organisers" in page
        assert "css/print.css" in page and 'media="print"' in page
        assert "OTOP Fair Bangkok" in page and MAP.replace("&", "&amp;") in page

    def test_a_paid_fee_says_so(self, exhibitor_client, held, organiser):
        services.stall_fee_set(assignment=StallAssignment.objects.get(application=held), by=organiser, state=StallAssignment.Fee.PAID)

        page = exhibitor_client.get(invoice_url(held)).content.decode()

        assert 'data-fee-state="paid"' in page and "Paid: thank you." in page

    def test_without_an_organisation_the_organisers_names_stand_on_it(self, exhibitor_client, held, organiser):
        Event.objects.filter(pk=held.event_id).update(organiser_name="")

        page = exhibitor_client.get(invoice_url(held)).content.decode()

        assert "Somchai" in page

    def test_a_fair_in_japan_is_invoiced_in_yen(self, client, places, organiser):
        oita = Place.objects.get(country="JP", level="province", name_en="Oita")
        event = EventFactory(slug="oita-market", place=oita)
        OrganiserFactory(event=event, user=organiser)
        zone = services.zone_save(event=event, by=organiser, code="A", name="Hall")
        stall = services.stall_grid_create(event=event, by=organiser, zone=zone, rows=1, columns=1, fee=Decimal("8000"))[0]
        producer = ProducerFactory(place=oita, own_language="ja")
        manager = ProducerMembershipFactory(producer=producer, role="manager").user
        application = StallApplication.objects.create(event=event, producer=producer, state=State.ACCEPTED)
        services.stall_assign(application=application, stall=stall, by=organiser)

        page = log_in(client, manager).get(invoice_url(application)).content.decode()

        assert "¥8,000" in page and "฿" not in page

    def test_it_reads_in_a_fixed_number_of_queries(self, exhibitor_client, held, django_assert_max_num_queries):
        with django_assert_max_num_queries(10):
            assert exhibitor_client.get(invoice_url(held)).status_code == 200

    def test_an_application_without_a_stall_has_no_invoice(self, exhibitor_client, event, exhibitor):
        application = StallApplication.objects.create(event=event, producer=exhibitor, state=State.ACCEPTED)

        assert exhibitor_client.get(invoice_url(application)).status_code == 404

    def test_another_groups_invoice_is_a_404(self, client, held):
        stranger = ProducerMembershipFactory(producer=ProducerFactory(), role="manager").user

        assert log_in(client, stranger).get(invoice_url(held)).status_code == 404

    def test_a_visitor_is_asked_to_log_in_and_someone_without_a_group_to_register(self, client, held):
        response = client.get(invoice_url(held))
        assert response.status_code == 302 and "/accounts/login/" in response.url

        response = log_in(client, UserFactory(username="no-group")).get(invoice_url(held))
        assert response.status_code == 302 and response.url == reverse("producers:register")


class TestMapLink:
    def test_the_event_page_links_the_venues_map(self, client, held):
        held.event.status = Event.Status.PUBLISHED
        held.event.save(update_fields=["status"])

        page = client.get(reverse("events:event_detail", args=[held.event.slug])).content.decode()

        assert "Map of the venue" in page and MAP.replace("&", "&amp;") in page

    @pytest.mark.parametrize("address", ["http://maps.example.com/venue", "javascript:alert(1)", "not a link"])
    def test_only_an_https_address_is_taken(self, event, organiser, address):
        with pytest.raises(ValidationError) as caught:
            event_update(event=event, by=organiser, map_url=address)

        assert "map_url" in caught.value.message_dict
        assert Event.objects.get(pk=event.pk).map_url == ""

    def test_the_details_form_refuses_a_plain_http_map_link(self, organiser_client, event):
        data = {
            "name": event.name, "slug": event.slug, "venue": event.venue, "place": event.place_id,
            "starts_on": event.starts_on.isoformat(), "ends_on": event.ends_on.isoformat(), "map_url": "http://maps.example.com/x",
        }

        response = organiser_client.post(reverse("events:organiser_event_edit", args=[event.slug]), data)

        assert response.status_code == 200 and "map_url" in response.context["form"].errors
        assert Event.objects.get(pk=event.pk).map_url == ""
