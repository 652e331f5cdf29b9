"""How the code is built, in numbers: imports against the app order, apps importing each
other, and the largest modules.

    python -m bench.structure          # the report
    python -m bench.structure --json   # the same as JSON

The order is the one the import-linter contract in pyproject.toml enforces (lowest first);
``otop_site`` sits above every app (it wires them together) and is left out of the counts.
Imports inside ``TYPE_CHECKING`` blocks and inside functions count too: a deferred import is
still a dependency.
"""

import ast
import json
import sys
from collections import Counter
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ORDER = ["core", "accounts", "places", "producers", "catalogue", "events", "orders"]


def application_modules():
    for app in ORDER:
        folder = ROOT / app
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*.py")):
            if "migrations" in path.parts:
                continue
            yield app, path


def imported_apps(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            top = name.split(".")[0]
            if top in ORDER:
                yield top


def report():
    upward = []
    edges = Counter()
    lines = []
    for app, path in application_modules():
        relative = str(path.relative_to(ROOT))
        lines.append((len(path.read_text(encoding="utf-8").splitlines()), relative))
        for target in imported_apps(path):
            if target == app:
                continue
            edges[(app, target)] += 1
            if ORDER.index(target) > ORDER.index(app):
                upward.append(f"{relative} -> {target}")
    mutual = [
        f"{a} <-> {b}" for a, b in combinations(ORDER, 2) if edges[(a, b)] and edges[(b, a)]
    ]
    lines.sort(reverse=True)
    return {
        "imports_against_order": len(upward),
        "upward": upward,
        "mutual_pairs": len(mutual),
        "mutual": mutual,
        "largest_modules": [{"lines": n, "module": m} for n, m in lines[:10]],
        "application_lines": sum(n for n, _ in lines),
    }


def main(argv):
    result = report()
    if "--json" in argv:
        print(json.dumps(result, indent=2))
        return
    print(f"imports against the order: {result['imports_against_order']}")
    for line in result["upward"]:
        print(f"  {line}")
    print(f"app pairs importing each other: {result['mutual_pairs']}")
    for line in result["mutual"]:
        print(f"  {line}")
    print(f"application code: {result['application_lines']} lines; the largest modules:")
    for row in result["largest_modules"]:
        print(f"  {row['lines']:5d}  {row['module']}")


if __name__ == "__main__":
    main(sys.argv[1:])
