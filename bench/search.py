"""`python -m bench.search`: search on the benchmark catalogue (100,000 products, bench/__main__.py).

Reindexes every product (timed), then sends 200 varied queries — Thai, Japanese, English, one and
several words, with and without filters — through the full /products/ page, each once (so no
cached fragment helps), and the suggestion endpoint likewise; reports median and p95 times.
"""

import argparse
import json
import random
import statistics
import sys
import time
import urllib.parse
import urllib.request

from bench.__main__ import RESULTS, run_server, setup_django

WORDS = {
    "th": ["ผ้าไหม", "มัดหมี่", "ผ้าฝ้าย", "น้ำพริก", "ข้าว", "ชา", "กาแฟ", "จักสาน", "ยาหม่อง", "ทุเรียน", "ผ้าคราม", "เครื่องปั้น", "ลำไย", "มะขาม"],
    "ja": ["シルク", "かぼす", "椎茸", "竹細工", "藍染", "焼", "茶", "大分", "湯布院", "干し椎茸", "陶器", "織物"],
    "en": ["silk", "kabosu", "shiitake", "indigo", "pottery", "chili", "rice", "tea", "coffee", "basket", "balm", "durian",
           "mudmee", "celadon", "khon", "kaen", "chiang", "mai", "surin", "oita", "cotton", "herbal", "dried", "paste"],
}
FILTERS = ["", "&country=TH", "&category=food", "&stars=3", "&in_stock=1", "&country=JP&sort=price", "&certification=gi"]


def queries(count: int, seed: int = 11) -> list[str]:
    rng = random.Random(seed)
    made = set()
    while len(made) < count:
        language = rng.choice(["th", "ja", "en", "en"])
        words = rng.sample(WORDS[language], rng.choice([1, 1, 2, 3]))
        text = " ".join(words)
        if language == "en" and rng.random() < 0.3:
            text = text[: max(3, len(text) - rng.randint(1, 3))]  # typed so far: the last word a prefix
        made.add(("q=" + urllib.parse.quote(text)) + rng.choice(FILTERS))
    return sorted(made)


def timed_get(url: str) -> float:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=60) as response:
        response.read()
    return time.perf_counter() - started


def summary(times: list[float]) -> dict:
    times = sorted(times)
    return {
        "count": len(times),
        "median_ms": round(statistics.median(times) * 1000, 1),
        "p95_ms": round(times[int(len(times) * 0.95) - 1] * 1000, 1),
        "max_ms": round(times[-1] * 1000, 1),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.search")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--port", type=int, default=8767)
    parser.add_argument("--skip-reindex", action="store_true")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    setup_django()
    from catalogue.cache import site_changed
    from catalogue.models import Product
    from catalogue.search_index import producers_reindex, products_reindex

    reindex = None
    if not args.skip_reindex:
        total = Product.objects.count()
        print(f"Reindexing {total} products…", flush=True)
        started = time.perf_counter()
        producers_reindex()
        products_reindex(progress=lambda done, all_: print(f"\r  {done}/{all_}", end="", flush=True) if done % 10000 == 0 else None)
        reindex = round(time.perf_counter() - started, 1)
        print(f"\n  reindexed in {reindex} s")
    site_changed()
    server = run_server(args.port)
    base = f"http://127.0.0.1:{args.port}"
    try:
        urllib.request.urlopen(base + "/products/?q=warm", timeout=60).read()
        page_times = [timed_get(f"{base}/products/?{query}") for query in queries(args.queries)]
        suggest_times = [
            timed_get(f"{base}/search/suggest/?q={urllib.parse.quote(text)}")
            for text in sorted({urllib.parse.unquote(q.split("&")[0][2:])[:6] for q in queries(args.queries, seed=12)})
        ]
    finally:
        server.terminate()
        server.wait(10)
    results = {"reindex_seconds": reindex, "search_page": summary(page_times), "suggestions": summary(suggest_times)}
    print(f"\nsearch page (/products/?q=…, {results['search_page']['count']} queries, none cached): "
          f"median {results['search_page']['median_ms']} ms, p95 {results['search_page']['p95_ms']} ms")
    print(f"suggestions ({results['suggestions']['count']} prefixes): median {results['suggestions']['median_ms']} ms, "
          f"p95 {results['suggestions']['p95_ms']} ms")
    if reindex is not None:
        print(f"reindex of {Product.objects.count()} products: {reindex} s")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "search.json").write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
