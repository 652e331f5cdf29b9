"""The lock file keeps up with pyproject.toml: every dependency named there (runtime and dev,
with the packages its extras bring) is pinned in requirements.lock, at a version pyproject
allows, with its hashes. A dependency added or bumped without `make lock` fails here."""

import re
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s\\;]+)")


def declared() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return [Requirement(line) for line in project["dependencies"] + project["optional-dependencies"]["dev"]]


def locked() -> dict[str, dict]:
    """Each pinned package of requirements.lock: its version and how many hashes it carries."""
    pins: dict[str, dict] = {}
    current = None
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        match = PIN.match(line)
        if match:
            current = pins[canonicalize_name(match.group(1))] = {"version": match.group(2), "hashes": 0}
        elif current is not None and line.strip().startswith("--hash=sha256:"):
            current["hashes"] += 1
    return pins


def brought_by_extras(requirement: Requirement) -> set[str]:
    """The packages `name[extra]` adds to `name`, as the installed package's metadata says."""
    names = set()
    for extra in requirement.extras:
        for line in metadata.requires(requirement.name) or []:
            extra_requirement = Requirement(line)
            if extra_requirement.marker and extra_requirement.marker.evaluate(default_environment() | {"extra": extra}):
                names.add(canonicalize_name(extra_requirement.name))
    return names


@pytest.mark.parametrize("requirement", declared(), ids=str)
def test_every_declared_dependency_is_pinned_in_the_lock(requirement):
    pins = locked()
    name = canonicalize_name(requirement.name)

    assert name in pins, f"{requirement} is in pyproject.toml but not in requirements.lock: run `make lock`"
    assert requirement.specifier.contains(pins[name]["version"], prereleases=True), (
        f"requirements.lock pins {name}=={pins[name]['version']}, which pyproject.toml's {requirement} refuses: run `make lock`"
    )
    missing = sorted(brought_by_extras(requirement) - set(pins))
    assert not missing, f"{requirement} brings {missing}, not in requirements.lock: run `make lock`"


def test_every_pin_carries_its_hashes():
    unhashed = sorted(name for name, pin in locked().items() if pin["hashes"] == 0)

    assert locked(), "requirements.lock pins nothing"
    assert not unhashed, f"pinned without hashes in requirements.lock: {unhashed}"
