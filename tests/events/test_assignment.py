"""The automatic stall assignment (events.assignment) on generated cases: it never gives a stall
twice, never gives an application two stalls, never breaks a need, and never does worse than the
plain greedy baseline on assigned stalls or preferred zones."""

import random
import time

import pytest

from events.assignment import FEATURES, ApplicationInput, StallInput, assign_stalls, baseline_assign


def generated_case(seed: int, *, zones: int | None = None, stalls: int | None = None, applications: int | None = None):
    """A random fair: a few zones, stalls with random features (power, corner, double), and
    applications with random needs, preferences, categories, regions and priority."""
    rng = random.Random(seed)
    zone_ids = list(range(1, (zones or rng.randint(1, 6)) + 1))
    stall_count = stalls if stalls is not None else rng.randint(0, 90)
    application_count = applications if applications is not None else rng.randint(0, 110)
    feature_odds = rng.choice([0.05, 0.2, 0.5])
    need_odds = rng.choice([0.0, 0.1, 0.3])
    stall_inputs = []
    numbers = {zone: 0 for zone in zone_ids}
    for index in range(stall_count):
        zone = rng.choice(zone_ids)
        numbers[zone] += 1
        stall_inputs.append(
            StallInput(
                id=1000 + index, zone=zone, code=f"{zone}-{numbers[zone]}",
                features=frozenset(f for f in FEATURES if rng.random() < feature_odds),
            )
        )
    application_inputs = [
        ApplicationInput(
            id=index + 1,
            preferred_zone=rng.choice(zone_ids + [None]),
            needs=frozenset(f for f in FEATURES if rng.random() < need_odds),
            category=rng.randint(1, 5),
            region=rng.randint(1, 6),
            priority=rng.random() < 0.2,
            order=rng.randint(0, 10_000),
        )
        for index in range(application_count)
    ]
    themes = {zone: {("category", rng.randint(1, 5))} for zone in zone_ids if rng.random() < 0.7}
    return application_inputs, stall_inputs, themes


def check_is_valid(result, applications, stalls) -> None:
    by_stall = {s.id: s for s in stalls}
    by_application = {a.id: a for a in applications}
    stall_ids = list(result.pairs.values())
    assert len(stall_ids) == len(set(stall_ids)), "a stall is given at most once"
    assert set(result.pairs) <= set(by_application), "only the given applications"
    assert set(stall_ids) <= set(by_stall), "only the given stalls"
    assert not set(result.pairs) & set(result.unassigned), "an application is placed or not, never both"
    assert len(result.unassigned) == len(set(result.unassigned)), "no application twice"
    assert set(result.pairs) | set(result.unassigned) == set(by_application), "every application is accounted for"
    for application_id, stall_id in result.pairs.items():
        assert by_application[application_id].needs <= by_stall[stall_id].features, "needs are never broken"


SEEDS = range(60)


@pytest.mark.parametrize("seed", SEEDS)
def test_generated_cases_are_valid_and_never_worse_than_the_baseline(seed):
    applications, stalls, themes = generated_case(seed)

    result = assign_stalls(applications, stalls, themes)

    check_is_valid(result, applications, stalls)
    baseline = baseline_assign(applications, stalls)
    check_is_valid(baseline, applications, stalls)
    score, floor = result.score(applications, stalls), baseline.score(applications, stalls)
    assert score["assigned"] >= floor["assigned"]
    assert score["in_preferred_zone"] >= floor["in_preferred_zone"]
    assert score["assigned"] + score["unassigned"] == len(applications)


@pytest.mark.parametrize("seed", range(10))
def test_scarce_stalls_are_all_used_when_nobody_needs_anything(seed):
    applications, stalls, themes = generated_case(seed, stalls=30, applications=45)
    applications = [ApplicationInput(id=a.id, preferred_zone=a.preferred_zone, order=a.order) for a in applications]

    result = assign_stalls(applications, stalls, themes)

    assert len(result.pairs) == 30


@pytest.mark.parametrize("seed", range(5))
def test_the_result_does_not_depend_on_the_input_order(seed):
    applications, stalls, themes = generated_case(seed, stalls=40, applications=50)
    shuffled_applications, shuffled_stalls = applications[:], stalls[:]
    random.Random(seed).shuffle(shuffled_applications)
    random.Random(seed + 1).shuffle(shuffled_stalls)

    assert assign_stalls(applications, stalls, themes).pairs == assign_stalls(shuffled_applications, shuffled_stalls, themes).pairs


def test_features_are_left_for_those_who_need_them():
    stalls = [StallInput(id=1, zone=1, code="A-1", features=frozenset({"power"})), StallInput(id=2, zone=1, code="A-2")]
    applications = [
        ApplicationInput(id=10, preferred_zone=1, order=1),
        ApplicationInput(id=11, preferred_zone=1, needs=frozenset({"power"}), order=2),
    ]

    result = assign_stalls(applications, stalls)

    assert result.pairs == {10: 2, 11: 1}


def test_an_application_whose_need_no_stall_has_stays_unassigned():
    stalls = [StallInput(id=1, zone=1, code="A-1", features=frozenset({"power"}))]
    applications = [ApplicationInput(id=10, preferred_zone=1, needs=frozenset({"double"}))]

    result = assign_stalls(applications, stalls)

    assert result.pairs == {} and result.unassigned == [10]


def test_nothing_to_assign():
    result = assign_stalls([], [])

    assert result.pairs == {} and result.unassigned == []
    assert result.score([], [])["assigned"] == 0


def test_preferred_zones_win_over_the_order_of_application():
    stalls = [StallInput(id=1, zone=1, code="A-1"), StallInput(id=2, zone=2, code="B-1")]
    applications = [ApplicationInput(id=10, preferred_zone=None, order=1), ApplicationInput(id=11, preferred_zone=1, order=2)]

    result = assign_stalls(applications, stalls)

    assert result.pairs[11] == 1
    assert result.score(applications, stalls)["in_preferred_zone"] == 1


def test_3500_applications_over_3000_stalls_take_under_10_seconds():
    applications, stalls, themes = generated_case(2026, zones=12, stalls=3000, applications=3500)

    started = time.perf_counter()
    result = assign_stalls(applications, stalls, themes)
    elapsed = time.perf_counter() - started

    assert elapsed < 10, f"took {elapsed:.1f} s"
    check_is_valid(result, applications, stalls)
    floor = baseline_assign(applications, stalls).score(applications, stalls)
    score = result.score(applications, stalls)
    assert score["assigned"] >= floor["assigned"] and score["in_preferred_zone"] >= floor["in_preferred_zone"]
