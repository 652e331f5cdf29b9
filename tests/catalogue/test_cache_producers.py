"""Kept parts of the directory and producer pages: nothing of one visitor's address reaches the
others, and a member's new name shows at once."""

from django.test import Client
from django.urls import reverse

from accounts.services import user_update_profile
from tests.factories import ProducerFactory, ProducerMembershipFactory, UserFactory, log_in


def test_a_signed_in_visitors_query_parameters_leak_into_the_shared_directory(page_cache, places, tha_sawang, client):
    for number in range(30):
        ProducerFactory(name_en=f"Group {number}", slug=f"group-{number}", place=tha_sawang)
    log_in(client, UserFactory(username="alice"))
    # A signed-in visitor's own link, with something personal in it (any extra parameter).
    own = client.get(reverse("catalogue:producer_list") + "?email=alice%40example.com")
    assert own.status_code == 200
    anonymous = Client().get(reverse("catalogue:producer_list"))
    assert anonymous.status_code == 200
    assert b"alice%40example.com" not in anonymous.content, "another visitor's query string served to everyone"


def test_a_member_renaming_themselves_renews_the_producer_page(page_cache, group_a, client, django_capture_on_commit_callbacks):
    member = ProducerMembershipFactory(producer=group_a, user__first_name="Somchai").user
    url = reverse("producers:producer_detail", args=[group_a.slug])
    assert b"Somchai" in client.get(url).content
    with django_capture_on_commit_callbacks(execute=True):
        user_update_profile(user=member, first_name="Malee", last_name=member.last_name, email=member.email, language=member.language)
    page = client.get(url).content
    assert b"Malee" in page and b"Somchai" not in page, "the producer page names a member by their old name"
