"""StallFeature: the stall features declared once."""

import pytest

from events import services
from events.models import Stall, StallApplication, StallFeature
from tests.factories import ProducerFactory, ProducerMembershipFactory


def test_each_feature_names_the_stall_field_and_the_application_field():
    assert StallFeature.stall_fields() == ["has_power", "is_corner", "is_double"]
    assert StallFeature.need_fields() == ["needs_power", "needs_corner", "needs_double"]
    for feature in StallFeature:
        assert Stall._meta.get_field(feature.stall_field)
        assert StallApplication._meta.get_field(feature.need_field)


def test_a_stall_has_its_features_and_an_application_its_needs_in_the_declared_order():
    stall = Stall(is_double=True, has_power=True)
    application = StallApplication(needs_corner=True, needs_power=True)

    assert stall.features == [StallFeature.POWER, StallFeature.DOUBLE]
    assert " ".join(stall.features) == "power double"  # as the CSV's features column writes them
    assert application.needs == [StallFeature.POWER, StallFeature.CORNER]
    assert StallFeature.unmet(application, stall) == [StallFeature.CORNER]
    assert [str(feature.need_label) for feature in StallFeature.unmet(application, stall)] == ["a corner"]


def test_an_application_takes_the_needs_its_features_declare_and_no_other(event):
    producer = ProducerFactory(state="verified")
    manager = ProducerMembershipFactory(producer=producer, role="manager").user
    with pytest.raises(TypeError, match="needs_parking"):
        services.application_submit(event=event, producer=producer, by=manager, needs_parking=True)

    application = services.application_submit(event=event, producer=producer, by=manager, needs_corner=True)

    assert application.needs == [StallFeature.CORNER]
