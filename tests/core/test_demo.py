"""The demo site's steps (core/demo.py): registered by each app's demo.py, run in order."""

from core.demo import demo_steps


def test_every_app_with_demo_data_registers_its_steps_in_order():
    steps = demo_steps()
    modules = [step.run.__module__ for step in steps]

    assert [step.order for step in steps] == sorted(step.order for step in steps)
    assert modules == [
        "places.demo",
        "catalogue.demo",
        "accounts.demo",
        "producers.demo",
        "catalogue.demo",
        "orders.demo",
        "events.demo",
        "catalogue.demo",
        "catalogue.demo",
    ]


def test_discovering_the_steps_again_registers_none_twice():
    assert len(demo_steps()) == len(demo_steps())


def test_only_the_producers_step_tells_whether_the_demo_site_exists():
    present = [step.run.__module__ for step in demo_steps() if step.present]

    assert present == ["producers.demo"]
