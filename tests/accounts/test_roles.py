"""The role registry (accounts/roles.py) that producers and events fill."""

import pytest

from accounts.roles import role_names
from accounts.selectors import Roles


def test_producers_and_events_register_their_roles():
    assert role_names() == ["is_producer", "is_organiser"]


def test_roles_hold_no_role_unless_given():
    roles = Roles(is_organiser=True)

    assert roles.is_organiser is True
    assert roles.is_producer is False
    assert roles.is_staff is False


def test_roles_refuse_a_role_nobody_registered():
    with pytest.raises(TypeError, match="is_baker"):
        Roles(is_baker=True)


def test_roles_have_no_attribute_for_an_unknown_name():
    with pytest.raises(AttributeError):
        Roles().is_baker  # noqa: B018 - the look-up is the test
