"""The automatic stall assignment (accepted applications to stalls by zone theme, needs and
preference), as a pure function of plain data.

Given accepted applications and free stalls, it gives each application at most one stall and
each stall at most one application, never a stall that lacks something the application needs
(power, a corner, a double stall). Within that, it prefers:
1. producers who exhibited before, then the most demanding applications, then the earliest;
2. the application's preferred zone, then a zone whose theme is the application's category or
   region, then any zone;
3. the stall with the fewest features the application does not need, so power and corners are
   left for those who need them.
A simple greedy pass in application order is also run, and the better of the two is kept, so
the result never honours preferences worse than that baseline. A last pass swaps two
applications' stalls whenever that puts one of them in its preferred zone and the other no
further from its own.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from .models import StallFeature

FEATURES = tuple(StallFeature.values)


@dataclass(frozen=True)
class ApplicationInput:
    id: int
    preferred_zone: int | None
    needs: frozenset = frozenset()
    category: int | None = None  # the top category of its products
    region: int | None = None  # the region of its province
    priority: bool = False  # exhibited well before
    order: int = 0  # when it applied


@dataclass(frozen=True)
class StallInput:
    id: int
    zone: int
    code: str
    features: frozenset = frozenset()


@dataclass
class AssignmentResult:
    pairs: dict[int, int] = field(default_factory=dict)  # application id → stall id
    unassigned: list[int] = field(default_factory=list)

    def score(self, applications, stalls) -> dict:
        zone_of = {s.id: s.zone for s in stalls}
        wanted = [a for a in applications if a.preferred_zone is not None]
        in_preferred = sum(1 for a in wanted if a.id in self.pairs and zone_of[self.pairs[a.id]] == a.preferred_zone)
        return {
            "applications": len(applications),
            "stalls": len(stalls),
            "assigned": len(self.pairs),
            "unassigned": len(applications) - len(self.pairs),
            "with_preference": len(wanted),
            "in_preferred_zone": in_preferred,
            "needs_met": sum(1 for a in applications if a.id in self.pairs),
        }


def _fits(application: ApplicationInput, stall: StallInput) -> bool:
    return application.needs <= stall.features


class _FreeStalls:
    """Free stalls by zone and by feature set, each list kept in code order."""

    def __init__(self, stalls):
        self.by_zone: dict[int, dict[frozenset, list[StallInput]]] = defaultdict(lambda: defaultdict(list))
        for stall in sorted(stalls, key=lambda s: (s.zone, _natural(s.code)), reverse=True):
            self.by_zone[stall.zone][stall.features].append(stall)  # popped from the end: lowest code first

    def take(self, zone: int, needs: frozenset) -> StallInput | None:
        pools = self.by_zone.get(zone)
        if not pools:
            return None
        candidates = [features for features, free in pools.items() if free and needs <= features]
        if not candidates:
            return None
        best = min(candidates, key=lambda features: (len(features - needs), sorted(features)))
        return pools[best].pop()

    def zones(self):
        return list(self.by_zone)


def _natural(code: str):
    head, _, tail = code.rpartition("-")
    return (head, int(tail)) if tail.isdigit() else (code, 0)


def _greedy(applications, stalls, zone_themes, *, smart: bool) -> AssignmentResult:
    free = _FreeStalls(stalls)
    all_zones = sorted(free.zones())
    result = AssignmentResult()
    if smart:
        ordered = sorted(applications, key=lambda a: (not a.priority, -len(a.needs), a.order, a.id))
    else:
        ordered = sorted(applications, key=lambda a: (a.order, a.id))
    for application in ordered:
        zones = []
        if application.preferred_zone is not None:
            zones.append(application.preferred_zone)
        if smart:
            themed = [z for z in all_zones if zone_themes.get(z) and zone_themes[z] & {("category", application.category), ("region", application.region)}]
            zones.extend(z for z in themed if z not in zones)
        zones.extend(z for z in all_zones if z not in zones)
        stall = None
        for zone in zones:
            stall = free.take(zone, application.needs)
            if stall:
                break
        if stall:
            result.pairs[application.id] = stall.id
        else:
            result.unassigned.append(application.id)
    return result


def _improve_by_swaps(result: AssignmentResult, applications, stalls) -> None:
    """Swap two applications' stalls when one gains its preferred zone and the other loses nothing."""
    by_id = {s.id: s for s in stalls}
    apps = {a.id: a for a in applications}
    holders: dict[int, list[int]] = defaultdict(list)  # zone → applications placed there
    for app_id, stall_id in result.pairs.items():
        holders[by_id[stall_id].zone].append(app_id)

    def happy(app_id: int, zone: int) -> bool:
        return apps[app_id].preferred_zone == zone

    for app_id in list(result.pairs):
        application = apps[app_id]
        current = by_id[result.pairs[app_id]]
        if application.preferred_zone is None or current.zone == application.preferred_zone:
            continue
        for other_id in list(holders.get(application.preferred_zone, [])):
            other_stall = by_id[result.pairs[other_id]]
            if happy(other_id, other_stall.zone):
                continue  # it is where it wants to be
            if not (_fits(application, other_stall) and _fits(apps[other_id], current)):
                continue
            result.pairs[app_id], result.pairs[other_id] = other_stall.id, current.id
            holders[application.preferred_zone].remove(other_id)
            holders[application.preferred_zone].append(app_id)
            holders[current.zone].remove(app_id)
            holders[current.zone].append(other_id)
            break


def assign_stalls(applications: list[ApplicationInput], stalls: list[StallInput], zone_themes: dict | None = None) -> AssignmentResult:
    """The proposal: the better (more in their preferred zone, then more assigned) of the smart
    and the baseline greedy passes, improved by swaps."""
    zone_themes = zone_themes or {}
    baseline = baseline_assign(applications, stalls)
    smart = _greedy(applications, stalls, zone_themes, smart=True)
    _improve_by_swaps(smart, applications, stalls)
    _improve_by_swaps(baseline, applications, stalls)
    floor = baseline_assign(applications, stalls).score(applications, stalls)
    scored = [(candidate, candidate.score(applications, stalls)) for candidate in (smart, baseline)]
    # Only candidates at least as good as the plain baseline on both counts; the improved baseline always is.
    eligible = [
        (candidate, score) for candidate, score in scored
        if score["assigned"] >= floor["assigned"] and score["in_preferred_zone"] >= floor["in_preferred_zone"]
    ]
    return max(eligible, key=lambda item: (item[1]["assigned"], item[1]["in_preferred_zone"]))[0]


def baseline_assign(applications, stalls) -> AssignmentResult:
    """The simple greedy baseline: in application order, the preferred zone if it has a fitting
    stall, else the first fitting stall anywhere."""
    return _greedy(applications, stalls, {}, smart=False)
