"""Running Python in a fresh process with a chosen environment, for tests of start-up behaviour."""

import json
import os
import subprocess
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]

SETTINGS_DUMP = """
import importlib, json
module = importlib.import_module({module!r})
print(json.dumps({{name: getattr(module, name, None) for name in {names!r}}}, default=str))
"""


def clean_environment(**overrides: str) -> dict[str, str]:
    """A process environment with none of the project's settings in it, plus ``overrides``.

    Only what a Python process needs to run is inherited, so each test controls every setting.
    """
    env = {name: os.environ[name] for name in ("PATH", "HOME", "LANG", "TMPDIR") if name in os.environ}
    env["PYTHONPATH"] = str(PROJECT_DIR)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.update(overrides)
    return env


def run_python(args: list[str], *, env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=timeout
    )


def import_settings(module: str, names: list[str], **environment: str) -> subprocess.CompletedProcess:
    """Import a settings module in a fresh process; its stdout is a JSON object of ``names``."""
    return run_python(["-c", SETTINGS_DUMP.format(module=module, names=names)], env=clean_environment(**environment))


def settings_values(module: str, names: list[str], **environment: str) -> dict:
    result = import_settings(module, names, **environment)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])
