"""The onboarding checklist on a group's overview: each step's state for a new group and a
complete one, what it links to and unlocks, who sees what, and the page's queries."""

import html
from datetime import timedelta

import pytest
from django.utils import timezone

from orders.models import SalesTerms
from producers import services
from producers.models import PayoutChange, Producer
from producers.onboarding import StepState
from producers.selectors import onboarding_checklist
from tests.factories import (
    TEST_PASSWORD,
    ProducerMembershipFactory,
    ProducerPhotoFactory,
    UserFactory,
    listing,
    log_in,
    published_event,
    stall_at,
)
from tests.pages import page_queries

DASHBOARD = "/dashboard/"
TITLE = "Getting ready to sell"


def states(producer: Producer, *, is_manager: bool = True) -> dict[str, str]:
    return {step.key: step.state for step in onboarding_checklist(producer=producer, is_manager=is_manager).steps}


def step(producer: Producer, key: str, *, is_manager: bool = True):
    return next(s for s in onboarding_checklist(producer=producer, is_manager=is_manager).steps if s.key == key)


def page(client) -> str:
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


@pytest.fixture
def newcomer(places):
    return UserFactory(username="newcomer", first_name="Nok")


@pytest.fixture
def new_group(newcomer, tha_sawang):
    """A group just registered: pending, no story, contacts, photos, payout details, terms or products."""
    return services.producer_register(
        user=newcomer, place=tha_sawang, name="กลุ่มทอผ้าบ้านใหม่", name_en="Ban Mai Weavers", kind="community_group", own_language="th"
    )


@pytest.fixture
def complete_group(places, categories, tha_sawang):
    """A verified group with every step done: profile, logo and photo, a bank account, its own
    sales terms and a published product."""
    producer = Producer.objects.create(
        name="กลุ่มทอผ้าไหมท่าสว่าง", name_en="Tha Sawang Silk", slug="tha-sawang-complete", place=tha_sawang,
        province=tha_sawang.parent.parent, country="TH", state=Producer.State.VERIFIED,
        story="เราทอผ้าไหมมา 30 ปี", contact_phone="081 234 5678", logo="producers/logos/tha-sawang.jpg",
        bank_name="Krungthai", bank_account_name="Tha Sawang Silk", bank_account_number="123-4-56789-0",
    )
    ProducerPhotoFactory(producer=producer)
    SalesTerms.objects.create(producer=producer, accepts_pay_at_stall=False)
    listing(producer, name_en="Lac-dyed silk scarf")
    return producer


# --- the steps' states --------------------------------------------------------------------------


def test_a_new_group_has_every_step_to_do_and_waits_for_verification(new_group):
    assert states(new_group) == {
        "profile": StepState.TODO,
        "photos": StepState.TODO,
        "payment": StepState.TODO,
        "sales_terms": StepState.TODO,
        "first_product": StepState.TODO,
        "verification": StepState.WAITING,
    }
    checklist = onboarding_checklist(producer=new_group, is_manager=True)
    assert [s.key for s in checklist.steps] == ["profile", "photos", "payment", "sales_terms", "first_product", "verification"]
    assert checklist.done_count == 0 and not checklist.complete


def test_a_complete_group_has_every_step_done(complete_group):
    assert set(states(complete_group).values()) == {StepState.DONE}
    assert onboarding_checklist(producer=complete_group, is_manager=True).complete


def test_the_sales_terms_step_says_what_would_let_buyers_pay_a_new_group(new_group):
    terms = step(new_group, "sales_terms")
    assert "needed before your products can be published" in terms.unlocks.lower()
    remedies = " | ".join(remedy.text for remedy in terms.remedies)
    assert "add a bank account or a PromptPay ID" in remedies
    assert "accept cash on delivery" in remedies
    assert "take a stall at a coming fair" in remedies
    assert {remedy.url for remedy in terms.remedies} == {"/dashboard/payment/", "/dashboard/sales-terms/", "/dashboard/events/"}


def test_the_sales_terms_step_lists_the_ways_buyers_can_pay_once_they_can(new_group):
    SalesTerms.objects.create(producer=new_group, accepts_cash_on_delivery=True, accepts_bank_transfer=False)
    new_group.refresh_from_db()
    terms = step(new_group, "sales_terms")
    assert terms.state == StepState.DONE and not terms.remedies
    assert "Shipping: Cash on delivery" in terms.detail


def test_standard_terms_that_work_still_ask_the_group_to_save_its_own(new_group):
    Producer.objects.filter(pk=new_group.pk).update(bank_account_number="123-4-56789-0", bank_name="Krungthai")
    new_group.refresh_from_db()
    terms = step(new_group, "sales_terms")
    assert terms.state == StepState.TODO and "save your own" in terms.detail
    assert "Shipping: Bank transfer" in terms.detail


def test_a_stall_with_pay_at_the_stall_is_enough_to_sell_without_payout_details(new_group):
    SalesTerms.objects.create(producer=new_group, accepts_bank_transfer=False, accepts_pay_at_stall=True)
    stall_at(published_event(), new_group)
    new_group.refresh_from_db()
    terms = step(new_group, "sales_terms")
    assert terms.state == StepState.DONE
    assert "Pay at the stall" in terms.detail and "Shipping" not in terms.detail
    assert step(new_group, "payment").state == StepState.TODO


def test_payment_details_wait_for_staff_while_a_new_groups_change_is_held_then_are_done(new_group, newcomer):
    newcomer.set_password(TEST_PASSWORD)
    newcomer.save()
    change = services.producer_update_payment(
        producer=new_group, by=newcomer, password=TEST_PASSWORD,
        bank_name="Krungthai", bank_account_name="Ban Mai Weavers", bank_account_number="987-6-54321-0",
    )
    assert change.state == PayoutChange.State.HELD
    new_group.refresh_from_db()
    payment = step(new_group, "payment")
    assert payment.state == StepState.WAITING and "review by our staff" in payment.detail
    assert "wait until our staff approve" in " ".join(r.text for r in step(new_group, "sales_terms").remedies)

    services.payout_change_review(change=change, by=UserFactory(username="reviewer", is_staff=True), approve=True)
    new_group.refresh_from_db()
    payment = step(new_group, "payment")
    assert payment.state == StepState.DONE and "••••21-0" in payment.detail


def test_the_first_product_step_points_to_the_drafts_until_one_is_published(new_group, categories):
    from tests.factories import ProductFactory

    assert step(new_group, "first_product").url == "/dashboard/products/new/"
    ProductFactory(producer=new_group)
    first = step(new_group, "first_product")
    assert first.state == StepState.TODO and first.url == "/dashboard/products/" and "1 draft" in first.detail


def test_a_profile_with_a_story_and_a_contact_is_complete(new_group):
    services.producer_update_profile(producer=new_group, story="เราทอผ้า", line_id="banmai")
    assert step(new_group, "profile").state == StepState.DONE
    assert step(new_group, "photos").detail == "Still missing: a logo, a photo of your group or workshop."


def test_a_suspended_group_is_told_to_contact_us(new_group):
    Producer.objects.filter(pk=new_group.pk).update(state=Producer.State.SUSPENDED)
    new_group.refresh_from_db()
    verification = step(new_group, "verification")
    assert verification.state == StepState.TODO and "suspended" in verification.detail


# --- the overview page --------------------------------------------------------------------------


def test_a_new_groups_overview_shows_the_checklist_with_links_and_what_each_step_unlocks(client, new_group, newcomer):
    text = page(log_in(client, newcomer))
    assert TITLE in text and "0 of 6 steps done" in text
    for link in ("/dashboard/profile/", "/dashboard/photos/", "/dashboard/payment/", "/dashboard/sales-terms/", "/dashboard/products/new/"):
        assert f'href="{link}"' in text
    assert "Needed before your products can be published" in text
    assert "Waiting for our staff" in text


def test_a_complete_groups_overview_has_no_checklist(client, complete_group):
    manager = UserFactory(username="complete-manager")
    ProducerMembershipFactory(producer=complete_group, user=manager, role="manager")
    assert TITLE not in page(log_in(client, manager))


def test_a_plain_member_sees_the_steps_but_no_link_to_the_managers_pages(client, new_group):
    member = UserFactory(username="plain-member")
    ProducerMembershipFactory(producer=new_group, user=member, role="member")
    text = page(log_in(client, member))
    assert TITLE in text
    assert 'href="/dashboard/payment/"' not in text and 'href="/dashboard/sales-terms/"' not in text
    assert "A manager of the group can do this." in text
    assert 'href="/dashboard/profile/"' in text  # any member may edit the profile


def test_the_checklist_is_only_ever_of_the_readers_own_group(client, new_group, complete_group):
    outsider = UserFactory(username="outsider")
    ProducerMembershipFactory(producer=complete_group, user=outsider, role="manager")
    text = page(log_in(client, outsider))
    assert TITLE not in text and "Ban Mai Weavers" not in text
    # Asking for the other group in the session changes nothing: only one's own memberships count.
    session = client.session
    session["dashboard_producer_id"] = new_group.pk
    session.save()
    assert TITLE not in page(client)


def test_the_overview_sends_anonymous_visitors_to_log_in_and_shows_no_checklist_without_a_group(client, places):
    response = client.get(DASHBOARD)
    assert response.status_code == 302 and "/login/" in response["Location"]
    text = page(log_in(client, UserFactory(username="no-group")))
    assert TITLE not in text and "/dashboard/register/" in text


def test_the_overview_with_the_checklist_reads_a_fixed_number_of_queries(client, new_group, newcomer, django_assert_max_num_queries):
    log_in(client, newcomer)
    queries = page_queries(client, DASHBOARD)
    stall_at(published_event(), new_group)
    ProducerPhotoFactory(producer=new_group)
    ProducerPhotoFactory(producer=new_group)
    SalesTerms.objects.create(producer=new_group)
    with django_assert_max_num_queries(queries):
        client.get(DASHBOARD)


def test_the_checklist_itself_costs_a_few_queries(new_group, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        onboarding_checklist(producer=new_group, is_manager=True)


def test_the_step_states_follow_time_passing_for_a_stall_that_is_over(new_group):
    SalesTerms.objects.create(producer=new_group, accepts_bank_transfer=False)
    event = published_event(starts_on=timezone.localdate() - timedelta(days=5), ends_on=timezone.localdate() - timedelta(days=1))
    stall_at(event, new_group)
    assert step(new_group, "sales_terms").state == StepState.TODO
