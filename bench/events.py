"""`python -m bench.events`: the automatic stall assignment on 3,500 applications and 3,000
stalls (time and score), and the public event page with 3,000 stalls (requests/s, bytes) against
the trivial view in the same server. Uses the benchmark database (see bench/__main__.py)."""

import argparse
import gzip
import json
import random
import sys
import time
import urllib.request
from decimal import Decimal

from bench.__main__ import RESULTS, measure, run_server, setup_django

SLUG = "bench-fair"


def seed_fair(*, applications: int, stalls: int) -> dict:
    from django.db import transaction

    from accounts.demo import demo_accounts_create
    from events import services
    from events.assignment import baseline_assign
    from events.models import Event, EventOrganiser, StallApplication, StallAssignment, Zone
    from events.services.assignment import _inputs
    from places.models import Place
    from producers.demo import demo_producers_create
    from producers.models import Producer

    organiser = demo_accounts_create()["organiser"]
    Event.objects.filter(slug=SLUG).delete()
    rng = random.Random(7)
    missing = applications - Producer.objects.count()
    if missing > 0:
        demo_producers_create(rng=rng, count=missing, managers=[], photos_for=0)
    Producer.objects.update(state="verified")
    event = Event.objects.create(
        slug=SLUG, name="Benchmark Fair", venue="IMPACT", place=Place.objects.get(country="TH", level="province", code="12"),
        starts_on="2026-11-25", ends_on="2026-12-03", status=Event.Status.OPEN,
    )
    EventOrganiser.objects.create(event=event, user=organiser)
    zones, per_zone = 20, stalls // 20
    for number in range(zones):
        zone = Zone.objects.create(event=event, code=chr(65 + number), name=f"Hall {chr(65 + number)}", colour=f"#{rng.randint(0, 0xAAAAAA):06x}")
        services.stall_grid_create(
            event=event, by=organiser, zone=zone, rows=10, columns=per_zone // 10, origin_x=Decimal((number % 5) * 60),
            origin_y=Decimal((number // 5) * 50), power_every=3,
        )
    zone_ids = list(event.zones.values_list("pk", flat=True))
    producers = list(Producer.objects.order_by("pk").values_list("pk", flat=True)[:applications])
    with transaction.atomic():
        StallApplication.objects.bulk_create(
            [
                StallApplication(
                    event=event, producer_id=pid, preferred_zone_id=rng.choice(zone_ids + [None]), state="submitted",
                    needs_power=rng.random() < 0.25, needs_corner=rng.random() < 0.05, exhibited_before=rng.random() < 0.2,
                )
                for pid in producers
            ],
            batch_size=2000,
        )
        StallApplication.objects.filter(event=event).update(state="accepted")
    started = time.perf_counter()
    proposal = services.assignment_propose(event=event, by=organiser)
    seconds = time.perf_counter() - started
    applications_in, stalls_in, _themes = _inputs(event)
    baseline = baseline_assign(applications_in, stalls_in).score(applications_in, stalls_in)
    services.proposal_accept(proposal=proposal, by=organiser)
    Event.objects.filter(pk=event.pk).update(status=Event.Status.PUBLISHED)
    from events.cache import plan_changed

    plan_changed(event.pk)
    return {
        "assignment_seconds": round(seconds, 2), "score": proposal.score, "baseline_score": baseline,
        "assigned": StallAssignment.objects.filter(event=event).count(),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.events")
    parser.add_argument("--applications", type=int, default=3500)
    parser.add_argument("--stalls", type=int, default=3000)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--port", type=int, default=8766)
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    setup_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    print(f"Assigning {args.applications} applications to {args.stalls} stalls…", flush=True)
    assignment = seed_fair(applications=args.applications, stalls=args.stalls)
    server = run_server(args.port)
    base = f"http://127.0.0.1:{args.port}"
    try:
        body = urllib.request.urlopen(f"{base}/events/{SLUG}/", timeout=60).read()
        results = {
            "trivial view": measure(base, ["/bench/trivial"], args.seconds, args.threads),
            "/events/<slug>/ (3,000 stalls)": measure(base, [f"/events/{SLUG}/"], args.seconds, args.threads),
        }
    finally:
        server.terminate()
        server.wait(10)
    size, compressed = len(body), len(gzip.compress(body, 6))
    trivial = results["trivial view"]["rps"] or 1
    score = assignment["score"]
    print(f"\nautomatic assignment: {assignment['assignment_seconds']} s for {score['applications']} applications and "
          f"{score['stalls']} stalls; assigned {score['assigned']}, in preferred zone {score['in_preferred_zone']} of "
          f"{score['with_preference']} (baseline greedy: {assignment['baseline_score']['in_preferred_zone']})")
    print(f"event page: {size / 1024:.0f} KB, {compressed / 1024:.0f} KB gzip-compressed")
    print(f"{'page':36} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'vs trivial':>11}")
    for name, result in results.items():
        print(f"{name:36} {result['rps']:>8} {result['p50_ms']:>8} {result['p99_ms']:>8} {result['rps'] / trivial * 100:>10.0f}%")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "events.json").write_text(json.dumps({"assignment": assignment, "page_bytes": size, "page_gzip_bytes": compressed, "results": results}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
