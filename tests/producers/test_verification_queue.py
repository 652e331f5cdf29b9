"""The staff verification queue (/staff/producers/): groups by state, found by their names,
contacts, managers or place, a page at a time, each with the contacts staff call or write to."""

import html

import pytest

from producers.models import ProducerMembership
from tests.factories import ProducerMembershipFactory, UserFactory, log_in
from tests.pages import page_queries

QUEUE = "/staff/producers/"


def text(response) -> str:
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def names(response) -> list[str]:
    assert response.status_code == 200
    return [entry["producer"].name_en for entry in response.context["queue"]]


@pytest.fixture
def staff_client(client, staff):
    return log_in(client, staff)


@pytest.fixture
def waiting(make_producer, tha_sawang, oita):
    """Three groups waiting for verification: a Surin silk group with a manager and a member, a
    Japanese one in Oita, and one more."""
    silk = make_producer(
        name_en="Tha Sawang Silk Weavers", name="กลุ่มทอผ้าไหมท่าสว่าง", place=tha_sawang, state="pending",
        contact_phone="081 234 5678", contact_email="silk@tha-sawang.example", line_id="tsilk",
    )
    manager = UserFactory(username="somsri", first_name="Somsri", last_name="Boonma", email="somsri@example.com")
    ProducerMembershipFactory(producer=silk, user=manager, role=ProducerMembership.Role.MANAGER)
    member = UserFactory(username="malee", first_name="Malee", last_name="", email="malee@example.com")
    ProducerMembershipFactory(producer=silk, user=member, role=ProducerMembership.Role.MEMBER)
    kabosu = make_producer(name_en="Oita Kabosu Farmers", name="大分かぼす農家", place=oita, state="pending", contact_phone="097-000-1111")
    unconfirmed = UserFactory(username="kenji", first_name="", email="kenji@example.com", email_verified_at=None)
    ProducerMembershipFactory(producer=kabosu, user=unconfirmed, role=ProducerMembership.Role.MANAGER)
    make_producer(name_en="Chonnabot Mudmee Group", state="pending")
    return silk


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Silk Weavers", ["Tha Sawang Silk Weavers"]),
        ("ไหมท่าสว่าง", ["Tha Sawang Silk Weavers"]),
        ("somsri@example", ["Tha Sawang Silk Weavers"]),
        ("Boonma", ["Tha Sawang Silk Weavers"]),
        ("malee", ["Tha Sawang Silk Weavers"]),
        ("081 234", ["Tha Sawang Silk Weavers"]),
        ("Surin", ["Tha Sawang Silk Weavers"]),
        ("Oita", ["Oita Kabosu Farmers"]),
        ("kenji", ["Oita Kabosu Farmers"]),
        ("mudmee", ["Chonnabot Mudmee Group"]),
        ("silk surin", ["Tha Sawang Silk Weavers"]),
        ("silk oita", []),
    ],
)
def test_the_queue_finds_groups_by_name_contact_manager_or_place(staff_client, waiting, query, expected):
    assert names(staff_client.get(QUEUE, {"q": query})) == expected


def test_the_search_keeps_to_the_state_asked_for(staff_client, waiting, group_a):
    assert names(staff_client.get(QUEUE, {"q": "Tha Sawang"})) == ["Tha Sawang Silk Weavers"]
    assert names(staff_client.get(QUEUE, {"q": "Tha Sawang", "state": "verified"})) == [group_a.name_en]


def test_a_search_that_finds_nothing_says_so(staff_client, waiting):
    page = text(staff_client.get(QUEUE, {"q": "no such group"}))

    assert "No group matches the search." in page
    assert "0 groups" in page


def test_a_search_too_long_or_a_bad_state_shows_the_pending_groups(staff_client, waiting):
    assert len(names(staff_client.get(QUEUE, {"q": "x" * 500}))) == 3
    assert len(names(staff_client.get(QUEUE, {"state": "nonsense"}))) == 3


def test_each_group_shows_its_contacts_and_its_managers(staff_client, waiting):
    page = text(staff_client.get(QUEUE))

    assert '<a href="tel:0812345678">081 234 5678</a>' in page
    assert '<a href="mailto:silk@tha-sawang.example">silk@tha-sawang.example</a>' in page
    assert "LINE ID: tsilk" in page
    assert "Manager: Somsri Boonma (somsri)" in page
    assert '<a href="mailto:somsri@example.com">somsri@example.com</a>' in page
    assert "Members: Malee &lt;malee@example.com&gt;" in page or "Members: Malee <malee@example.com>" in page
    # An address not confirmed yet is marked as such.
    assert "Manager: kenji" in page
    kenji = page[page.index("Manager: kenji"):]
    assert kenji.index("(not confirmed)") < kenji.index("</li>")


def test_the_queue_pages_through_many_groups_keeping_the_search(staff_client, make_producer):
    for n in range(23):
        make_producer(name_en=f"Waiting group {n:02d}", state="pending")
    make_producer(name_en="Verified group", state="verified")

    first = staff_client.get(QUEUE, {"q": "waiting"})
    second = staff_client.get(QUEUE, {"q": "waiting", "page": 2})

    assert names(first) == [f"Waiting group {n:02d}" for n in range(20)]
    assert names(second) == [f"Waiting group {n:02d}" for n in range(20, 23)]
    assert "23 groups" in text(first)
    assert 'href="?q=waiting&amp;page=2"' in first.content.decode()
    assert names(staff_client.get(QUEUE, {"q": "waiting", "page": 99})) == names(second)


def test_the_tabs_keep_the_search(staff_client, waiting):
    page = staff_client.get(QUEUE, {"q": "Tha Sawang"}).content.decode()

    assert 'href="?state=verified&amp;q=Tha%20Sawang"' in page


def test_a_page_of_the_queue_costs_the_same_queries_however_many_groups_it_shows(staff_client, make_producer):
    def add(count: int, start: int) -> None:
        for n in range(start, start + count):
            producer = make_producer(name_en=f"Group {n}", state="pending", contact_phone="081 000 0000")
            for role in (ProducerMembership.Role.MANAGER, ProducerMembership.Role.MEMBER):
                ProducerMembershipFactory(producer=producer, user=UserFactory(), role=role)

    add(2, 0)
    few = page_queries(staff_client, QUEUE)
    searched = page_queries(staff_client, f"{QUEUE}?q=group")

    add(10, 2)

    assert page_queries(staff_client, QUEUE) == few
    assert page_queries(staff_client, f"{QUEUE}?q=group") == searched
    assert few <= 15


def test_the_queue_is_for_staff_only(client, waiting, plain_user):
    assert client.get(QUEUE).status_code == 302
    log_in(client, plain_user)
    assert client.get(QUEUE, {"q": "silk"}).status_code == 403
