"""The check-in page at the fair's door: one search box for a stall code (typed any way) or an
exhibitor's name, each result with its fee and whether it is paid, in a fixed number of queries."""

import pytest
from django.urls import reverse
from django.utils import translation

from events import selectors, services
from events.models import StallApplication
from tests.factories import EventFactory, OrganiserFactory, ProducerFactory, log_in

ACCEPTED = StallApplication.State.ACCEPTED


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


@pytest.fixture
def exhibitors(event, organiser, layout, make_application):
    """Mae Jo Rice at B-2 (fee 1,200, invoiced), Lamphun Lamps at A-2 (1,500, paid, checked in),
    the Thai weavers at B-1 (not invoiced)."""
    given = {}
    for name, code in (("Mae Jo Rice", "B-2"), ("Lamphun Lamps", "A-2"), ("กลุ่มทอผ้าไหมบ้านท่าสว่าง", "B-1")):
        application = make_application(event, state=ACCEPTED, producer=ProducerFactory(name_en=name, name=name))
        given[code] = services.stall_assign(application=application, stall=layout["stalls"][code], by=organiser)
    services.stall_fee_set(assignment=given["B-2"], by=organiser, state="invoiced")
    services.stall_fee_set(assignment=given["A-2"], by=organiser, state="paid")
    services.exhibitor_check_in(assignment=given["A-2"], by=organiser)
    return given


def codes(event, query: str) -> list[str]:
    return [assignment.stall.code for assignment in selectors.event_assignments(event=event, query=query)]


@pytest.mark.django_db
class TestFinding:
    @pytest.mark.parametrize("typed", ["B-2", "b2", "B 2", "b-2", " b.2 "])
    def test_a_stall_code_is_found_however_it_is_typed(self, event, exhibitors, typed):
        assert codes(event, typed) == ["B-2"]

    def test_the_stall_whose_code_is_the_query_comes_first(self, event, organiser, layout, exhibitors, make_application):
        application = make_application(event, state=ACCEPTED, producer=ProducerFactory(name_en="Nan Silver"))
        services.stall_assign(application=application, stall=layout["stalls"]["A-1"], by=organiser)

        assert codes(event, "a1") == ["A-1"]
        assert codes(event, "2") == ["A-2", "B-2"], "no stall is coded 2: zone and code order"

    def test_an_exhibitor_is_found_by_any_of_its_names(self, event, exhibitors):
        assert codes(event, "lamphun") == ["A-2"]
        assert codes(event, "ท่าสว่าง") == ["B-1"]

    def test_nothing_matches_an_unknown_name(self, event, exhibitors):
        assert codes(event, "kabosu") == []


@pytest.mark.django_db
class TestThePage:
    def url(self, event, query=""):
        return reverse("events:organiser_check_in", args=[event.slug]) + (f"?q={query}" if query else "")

    def test_each_result_shows_the_fee_and_whether_it_is_paid(self, organiser_client, event, exhibitors):
        page = organiser_client.get(self.url(event)).content.decode()

        assert page.count('<li class="check-in-card') == 3
        assert '<strong>฿1,200</strong>' in page and '<strong>฿1,500</strong>' in page
        assert page.count("fee-state--paid") == 1 and page.count("fee-state--unpaid") == 2
        assert 'data-fee-state="invoiced"' in page and 'data-fee-state="none"' in page
        assert page.count('value="check_in"') == 2, "no check-in button for the exhibitor checked in already"

    def test_a_stall_without_a_fee_says_so(self, organiser_client, organiser, event, layout, exhibitors):
        services.stall_update(stall=layout["stalls"]["B-1"], by=organiser, fee=0)

        page = organiser_client.get(self.url(event, "B-1")).content.decode()

        assert "No fee" in page and "fee-state--unpaid" not in page

    def test_fees_are_in_the_currency_of_the_event_s_country(self, client, oita, make_application):
        event = EventFactory(slug="oita-ovop-market", place=oita)
        organiser = OrganiserFactory(event=event).user
        zone = services.zone_save(event=event, by=organiser, code="A", name="Hall", colour="#7a2e8e")
        (stall,) = services.stall_grid_create(event=event, by=organiser, zone=zone, rows=1, columns=1, fee=3000)
        application = make_application(event, state=ACCEPTED)
        services.stall_assign(application=application, stall=stall, by=organiser)
        log_in(client, organiser)

        page = client.get(self.url(event)).content.decode()

        assert "<strong>¥3,000</strong>" in page

    def test_the_page_reads_in_a_fixed_number_of_queries(
        self, organiser_client, organiser, event, layout, exhibitors, make_application, django_assert_max_num_queries
    ):
        for code in ("A-1", "A-3", "A-4", "B-3", "B-4"):
            application = make_application(event, state=ACCEPTED)
            services.stall_assign(application=application, stall=layout["stalls"][code], by=organiser)

        with django_assert_max_num_queries(12):
            response = organiser_client.get(self.url(event))

        assert response.status_code == 200
        assert len(response.context["assignments"]) == 8
