"""The demo site's steps, which the apps register and `manage.py seed_demo` runs.

Each app that has demo data declares its steps in its own `demo.py` with `@demo_step`; the
command finds those modules as the admin finds `admin.py` (autodiscover_modules) and runs the
steps by their `order`. A step reads what earlier ones made from `site.made` (the demo accounts,
the producers) and adds its own, so no app imports another's demo module from below.

The orders now in use, lowest first: places 10, categories 20, accounts 30, producers 40,
products 50, sales terms and orders 60, events 70, the search index 80, the page caches 90.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.module_loading import autodiscover_modules


@dataclass
class DemoSite:
    """What the steps share while seeding: the random source, the command's options
    (`producers`, `products_per_producer`, `orders`), what each step made and the notes the
    command prints at the end."""

    rng: random.Random
    options: dict[str, Any]
    made: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class DemoStep:
    order: int
    run: Callable[[DemoSite], str]
    # Shown while the step runs, formatted with the command's options; a step without one runs
    # silently.
    label: str = ""
    # What the step adds to the site, in the command's help.
    summary: str = ""
    # Whether the step's data is in the database already (`seed_demo --if-empty`).
    present: Callable[[], bool] | None = None


_steps: dict[str, DemoStep] = {}


def demo_step(*, order: int, label: str = "", summary: str = "", present: Callable[[], bool] | None = None):
    """Register the decorated function, `run(site) -> detail`, as a step of the demo site.

    `detail` ("150 places") is printed after the step's label; "" prints none.
    """

    def register(run: Callable[[DemoSite], str]) -> Callable[[DemoSite], str]:
        _steps[f"{run.__module__}.{run.__qualname__}"] = DemoStep(
            order=order, run=run, label=label, summary=summary, present=present
        )
        return run

    return register


def demo_steps() -> list[DemoStep]:
    """Every app's demo steps, in the order they run."""
    autodiscover_modules("demo")
    return sorted(_steps.values(), key=lambda step: step.order)
