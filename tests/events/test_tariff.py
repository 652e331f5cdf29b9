"""Stall fees by a tariff (a base fee by size or per square metre, surcharges for a corner and for
power), overridable per stall; and what a producer sees before applying: the fees, the stalls'
sizes and who may apply."""

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from events import services
from events.models import Event, FeeTariff, Stall, StallApplication, StallAssignment
from places.models import Place
from producers.models import Producer
from tests.factories import EventFactory, OrganiserFactory, log_in

TARIFF = {"basis": "stall", "single_fee": Decimal(1000), "double_fee": Decimal(1800), "corner_surcharge": Decimal(300), "power_surcharge": Decimal(150)}


def tariff_url(event) -> str:
    return reverse("events:organiser_tariff", args=[event.slug])


def fees(event) -> dict[str, Decimal]:
    return dict(Stall.objects.filter(event=event).values_list("code", "fee"))


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def plain_layout(event, organiser):
    """Zone A: 1 row of 4 stalls 3 × 3 m, the ends corners, power at every 2nd (A-2, A-4); no fee given."""
    zone = services.zone_save(event=event, by=organiser, code="A", name="Silk hall")
    stalls = services.stall_grid_create(event=event, by=organiser, zone=zone, rows=1, columns=4, power_every=2)
    return {stall.code: stall for stall in stalls}


class TestTheTariff:
    def test_per_stall_a_base_fee_by_size_and_surcharges_for_corner_and_power(self, event, organiser, plain_layout):
        Stall.objects.filter(code="A-3", event=event).update(is_double=True)

        tariff, changed, kept = services.fee_tariff_save(event=event, by=organiser, **TARIFF)

        assert fees(event) == {"A-1": Decimal(1300), "A-2": Decimal(1150), "A-3": Decimal(1800), "A-4": Decimal(1450)}
        assert (changed, kept) == (4, 0) and tariff.basis == "stall"

    def test_per_square_metre(self, event, organiser, plain_layout):
        Stall.objects.filter(code="A-3", event=event).update(width=Decimal("4.5"))

        services.fee_tariff_save(event=event, by=organiser, basis="area", area_fee=Decimal("120.50"))

        assert fees(event) == {"A-1": Decimal("1084.50"), "A-2": Decimal("1084.50"), "A-3": Decimal("1626.75"), "A-4": Decimal("1084.50")}

    def test_a_fair_in_yen_rounds_to_whole_yen(self, places, organiser):
        event = EventFactory(slug="oita-market", place=Place.objects.get(country="JP", level="province", name_en="Oita"))
        OrganiserFactory(event=event, user=organiser)
        zone = services.zone_save(event=event, by=organiser, code="A", name="Hall")
        services.stall_grid_create(event=event, by=organiser, zone=zone, rows=1, columns=1, width=Decimal("2.5"), depth=Decimal("2.5"), corners=False)

        services.fee_tariff_save(event=event, by=organiser, basis="area", area_fee=Decimal("333.33"))

        assert fees(event) == {"A-1": Decimal("2083.00")}  # 6.25 m² × ¥333.33 = ¥2,083.31

    def test_a_fee_set_by_hand_and_an_invoiced_fee_are_kept(self, event, organiser, plain_layout, make_application):
        services.stall_update(stall=plain_layout["A-1"], by=organiser, fee=Decimal(999))
        application = make_application(event, state=StallApplication.State.ACCEPTED)
        assignment = services.stall_assign(application=application, stall=plain_layout["A-2"], by=organiser)
        services.stall_fee_set(assignment=assignment, by=organiser, state=StallAssignment.Fee.INVOICED)

        _tariff, changed, kept = services.fee_tariff_save(event=event, by=organiser, **TARIFF)

        assert fees(event)["A-1"] == Decimal(999) and fees(event)["A-2"] == Decimal(0)
        assert (changed, kept) == (2, 1)

    def test_new_stalls_follow_the_tariff_unless_given_a_fee(self, event, organiser, plain_layout):
        services.fee_tariff_save(event=event, by=organiser, **TARIFF)
        zone = plain_layout["A-1"].zone

        following = services.stall_grid_create(event=event, by=organiser, zone=zone, rows=1, columns=2, origin_y=Decimal(10), corners=False)
        fixed = services.stall_grid_create(event=event, by=organiser, zone=zone, rows=1, columns=1, origin_y=Decimal(20), fee=Decimal(50))

        assert [(s.fee, s.fee_by_hand) for s in following] == [(Decimal(1000), False), (Decimal(1000), False)]
        assert [(s.fee, s.fee_by_hand) for s in fixed] == [(Decimal(50), True)]

    def test_a_stall_following_the_tariff_is_priced_again_when_its_features_change(self, event, organiser, plain_layout):
        services.fee_tariff_save(event=event, by=organiser, **TARIFF)

        stall = services.stall_update(stall=plain_layout["A-2"], by=organiser, is_corner=True)

        assert stall.fee == Decimal(1450) and not stall.fee_by_hand

    def test_a_fee_typed_on_the_stalls_page_overrides_the_tariff_until_unticked(self, organiser_client, event, organiser, plain_layout):
        services.fee_tariff_save(event=event, by=organiser, **TARIFF)
        stall = Stall.objects.get(pk=plain_layout["A-1"].pk)
        url = reverse("events:organiser_stall", args=[event.slug, stall.pk])
        data = {"action": "save", "code": "A-1", "zone": stall.zone_id, "x": "0", "y": "0", "width": "3", "depth": "3", "is_corner": "on"}

        organiser_client.post(url, data | {"fee": "750"})
        assert Stall.objects.filter(pk=stall.pk).values_list("fee", "fee_by_hand").get() == (Decimal(750), True)

        services.fee_tariff_save(event=event, by=organiser, **TARIFF | {"corner_surcharge": Decimal(500)})
        assert Stall.objects.get(pk=stall.pk).fee == Decimal(750), "set by hand: the tariff leaves it"

        organiser_client.post(url, data | {"fee": "750"})  # the box left unticked, the fee as it was
        assert Stall.objects.filter(pk=stall.pk).values_list("fee", "fee_by_hand").get() == (Decimal(1500), False)


class TestThePage:
    def test_an_organiser_saves_a_tariff_and_is_told_what_changed(self, organiser_client, event, plain_layout):
        response = organiser_client.post(tariff_url(event), {k: str(v) for k, v in TARIFF.items()} | {"area_fee": "0"})

        assert response.status_code == 302
        assert messages_of(response) == ["Tariff saved: 4 stalls have a new fee."]
        assert FeeTariff.objects.get(event=event).single_fee == Decimal(1000)
        page = organiser_client.get(tariff_url(event)).content.decode()
        assert "Fees now: from ฿1,000 to ฿1,450 a stall." in page

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"single_fee": "-1"}, "single_fee"),
            ({"corner_surcharge": "abc"}, "corner_surcharge"),
            ({"basis": "per-hour"}, "basis"),
            ({"power_surcharge": "123456789012"}, "power_surcharge"),
        ],
    )
    def test_bad_amounts_are_shown_on_the_form_and_nothing_changes(self, organiser_client, event, plain_layout, changes, field):
        before = fees(event)
        data = {k: str(v) for k, v in TARIFF.items()} | {"area_fee": "0"} | changes

        response = organiser_client.post(tariff_url(event), data)

        assert response.status_code == 200 and field in response.context["form"].errors
        assert not FeeTariff.objects.exists() and fees(event) == before

    def test_the_service_refuses_bad_values_too(self, event, organiser, plain_layout):
        with pytest.raises(ValidationError) as caught:
            services.fee_tariff_save(event=event, by=organiser, basis="stall", single_fee=Decimal(-5), power_surcharge="lots")

        assert set(caught.value.message_dict) == {"single_fee", "power_surcharge"}
        with pytest.raises(ValidationError) as caught:
            services.fee_tariff_save(event=event, by=organiser, basis="hourly")
        assert set(caught.value.message_dict) == {"basis"}
        assert not FeeTariff.objects.exists()

    def test_only_the_events_organisers_set_its_tariff(self, client, event, other_organiser, plain_layout):
        with pytest.raises(PermissionDenied):
            services.fee_tariff_save(event=event, by=other_organiser, **TARIFF)

        response = log_in(client, other_organiser).post(tariff_url(event), {k: str(v) for k, v in TARIFF.items()})
        assert response.status_code == 404 and not FeeTariff.objects.exists()

    def test_the_page_reads_in_a_fixed_number_of_queries(self, organiser_client, event, organiser, plain_layout, django_assert_max_num_queries):
        services.fee_tariff_save(event=event, by=organiser, **TARIFF)

        with django_assert_max_num_queries(14):
            assert organiser_client.get(tariff_url(event)).status_code == 200


class TestBeforeApplying:
    def test_the_apply_page_shows_the_fees_the_sizes_and_who_may_apply(self, client, event, organiser, plain_layout, exhibitor):
        services.fee_tariff_save(event=event, by=organiser, **TARIFF)
        services.event_update(event=event, by=organiser, requirements="Bring your own table cloth.")

        page = log_in(client, exhibitor.manager).get(reverse("events:apply", args=[event.slug])).content.decode()

        assert "From ฿1,000 to ฿1,450 a stall, by its size and features." in page
        assert "a single stall ฿1,000, a double stall ฿1,800; a corner +฿300; power +฿150." in page
        assert "3 × 3 m" in page and "4 stalls" in page
        assert "Verified producer groups only" in page and "Bring your own table cloth." in page
        assert 'name="preferred_zone"' in page, "a verified group gets the form"

    def test_one_fee_for_every_stall_reads_simply(self, client, event, organiser, layout, exhibitor):
        Stall.objects.filter(event=event).update(fee=Decimal(1500))

        page = log_in(client, exhibitor.manager).get(reverse("events:apply", args=[event.slug])).content.decode()

        assert "฿1,500 a stall." in page

    def test_an_unverified_group_is_told_before_it_fills_anything_in(self, client, event, plain_layout, exhibitor):
        Producer.objects.filter(pk=exhibitor.pk).update(state=Producer.State.PENDING)

        page = log_in(client, exhibitor.manager).get(reverse("events:apply", args=[event.slug])).content.decode()

        assert "is not verified yet, so it cannot apply" in page and 'name="preferred_zone"' not in page

    def test_the_public_page_of_an_open_event_shows_them_too(self, client, event, organiser, plain_layout):
        services.fee_tariff_save(event=event, by=organiser, **TARIFF)

        page = client.get(reverse("events:event_detail", args=[event.slug])).content.decode()

        assert "Before you apply" in page and "From ฿1,000 to ฿1,450 a stall" in page
        assert reverse("events:apply", args=[event.slug]) in page

    def test_without_stalls_the_fee_is_not_set_yet(self, client, event, exhibitor):
        page = log_in(client, exhibitor.manager).get(reverse("events:apply", args=[event.slug])).content.decode()

        assert "Not set yet: the organisers have not laid out the stalls." in page

    def test_the_public_page_of_a_published_event_does_not(self, client, event, plain_layout):
        Event.objects.filter(pk=event.pk).update(status=Event.Status.PUBLISHED)

        page = client.get(reverse("events:event_detail", args=[event.slug])).content.decode()

        assert "Before you apply" not in page

    def test_the_apply_page_reads_in_a_fixed_number_of_queries(self, client, event, organiser, plain_layout, exhibitor, django_assert_max_num_queries):
        services.fee_tariff_save(event=event, by=organiser, **TARIFF)
        log_in(client, exhibitor.manager)

        with django_assert_max_num_queries(14):
            assert client.get(reverse("events:apply", args=[event.slug])).status_code == 200
