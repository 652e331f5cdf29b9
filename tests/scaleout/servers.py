"""Servers a scale-out test starts itself: gunicorn with the production settings against the
test database and Redis, nginx in front of them, and a small browser that speaks HTTP to them.

Every test here shares Redis database 9 and the ports 8840-8859, so a file lock lets one test
module at a time use them, whichever pytest-xdist worker runs it.
"""

import contextlib
import fcntl
import gzip
import html
import http.client
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
from html.parser import HTMLParser
from pathlib import Path

import pytest

from bench.load import remember_cookies

PROJECT_DIR = Path(__file__).resolve().parents[2]
NGINX_TEMPLATE = PROJECT_DIR / "deploy" / "nginx.conf.template"
REDIS_URL = "redis://127.0.0.1:6379/9"
LOCK_FILE = Path(tempfile.gettempdir()) / "otop-scaleout-redis-9.lock"
# The ports of this part's tests: nginx, the nodes, the single server of the checkout test, the soak.
NGINX_PORT, NODE_PORTS, CHECKOUT_PORT, SOAK_PORT = 8840, (8841, 8842), 8843, 8844
README_SECTION = "README.md, section Deployment (the two-node and fault tests)"


def missing(what: str, how: str):
    """Skip loudly with where to read how to run it; fail instead under CI, where it must run."""
    message = f"{what} is missing: {how} ({README_SECTION})."
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


def redis_flushed():
    """Empty Redis database 9 (the tests' cache and sessions); skip when Redis is not running."""
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).flushdb()
    except redis.RedisError as error:
        missing("Redis on 127.0.0.1:6379", f"start it ({error})")


@contextlib.contextmanager
def exclusive_services():
    """Hold the lock on Redis database 9 and the ports for the duration."""
    with LOCK_FILE.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)



def database_url(database: dict, name: str | None = None) -> str:
    """A DATABASE_URL for the test server of `database` (a settings dict), naming database `name`
    (its own by default). The embedded server's HOST is its socket's folder: percent-encoded."""
    user = urllib.parse.quote(database.get("USER") or "postgres", safe="")
    password = urllib.parse.quote(database.get("PASSWORD") or "", safe="")
    host = urllib.parse.quote(str(database["HOST"] or "127.0.0.1"), safe="")
    return f"postgres://{user}:{password}@{host}:{database['PORT'] or 5432}/{name or database['NAME']}"


def production_environment(*, database: dict, var_dir: Path, secret_key: str, **extra: str) -> dict:
    """The environment `make serve` gives the site (otop_site.settings.production), pointed at the
    test database and Redis database 9."""
    env = {key: os.environ[key] for key in ("PATH", "HOME", "LANG", "TMPDIR") if key in os.environ}
    env |= {
        "PYTHONPATH": str(PROJECT_DIR),
        "PYTHONDONTWRITEBYTECODE": "1",
        "DJANGO_SETTINGS_MODULE": "otop_site.settings.production",
        "SECRET_KEY": secret_key,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": database_url(database),
        "REDIS_URL": REDIS_URL,
        "VAR_DIR": str(var_dir),
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "PROXY_COUNT": "1",
    }
    return env | extra


def static_collected(var_dir: Path, env: dict) -> None:
    """collectstatic into var_dir/static, as `make serve` does (hashed and compressed names)."""
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
                   cwd=PROJECT_DIR, env=env | {"VAR_DIR": str(var_dir)}, check=True, timeout=300)


class Gunicorn:
    """A gunicorn server on 127.0.0.1:port with `workers` sync workers."""

    def __init__(self, *, port: int, env: dict, workers: int = 2, log: Path):
        self.port = port
        self.log = log
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "otop_site.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
             "--no-control-socket", "--timeout", "60", "--log-level", "info"],
            cwd=PROJECT_DIR, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True,
        )
        wait_until_answering(port, self.process, log)

    def worker_pids(self) -> list[int]:
        import psutil

        return [child.pid for child in psutil.Process(self.process.pid).children()]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


def wait_until_answering(port: int, process: subprocess.Popen, log: Path, path: str = "/healthz", timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server on port {port} exited while starting:\n{log.read_text()[-3000:]}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path)
            status = conn.getresponse().status
            conn.close()
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"the server on port {port} did not answer {path} within {timeout} s:\n{log.read_text()[-3000:]}")


def nginx_config(*, runtime_dir: Path, listen: str, upstreams: list[str]) -> str:
    """deploy/nginx.conf.template with its placeholders filled in."""
    text = NGINX_TEMPLATE.read_text()
    servers = "\n        ".join(f"server {address};" for address in upstreams)
    for name, value in (("runtime_dir", str(runtime_dir)), ("listen", listen), ("upstream_servers", servers)):
        text = text.replace("{{" + name + "}}", value)
    assert "{{" not in text, "a placeholder of the nginx template is not filled in"
    return text


class Nginx:
    """nginx in the foreground (no system service) with the template's configuration."""

    def __init__(self, *, port: int, upstream_ports: list[int]):
        binary = shutil.which("nginx") or next((path for path in ("/usr/sbin/nginx",) if Path(path).exists()), None)
        if not binary:
            missing("nginx", "apt-get install -y nginx")
        # Its own folder in /tmp (not under pytest's private one): nginx's workers run as nobody
        # and write their buffers there.
        self.runtime_dir = Path(tempfile.mkdtemp(prefix="otop-nginx-"))
        self.runtime_dir.chmod(0o755)
        for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (self.runtime_dir / name).mkdir(mode=0o777)
            (self.runtime_dir / name).chmod(0o777)
        self.config = self.runtime_dir / "nginx.conf"
        self.config.write_text(nginx_config(runtime_dir=self.runtime_dir, listen=f"127.0.0.1:{port}",
                                            upstreams=[f"127.0.0.1:{upstream}" for upstream in upstream_ports]))
        self.log = self.runtime_dir / "error.log"
        self.process = subprocess.Popen(
            [binary, "-p", str(self.runtime_dir), "-e", str(self.log), "-c", str(self.config), "-g", "daemon off;"],
            stdout=(self.runtime_dir / "stdout.log").open("w"), stderr=subprocess.STDOUT, start_new_session=True,
        )
        self.log.touch()
        wait_until_answering(port, self.process, self.log)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        shutil.rmtree(self.runtime_dir, ignore_errors=True)


# --- A browser without JavaScript --------------------------------------------------------------


class Browser:
    """Cookies kept across requests, one new connection per request (so a load balancer may send
    each one anywhere); remembers which node answered each request (X-Served-By)."""

    def __init__(self, port: int):
        self.port = port
        self.jar: dict[str, str] = {}
        self.served_by: list[tuple[str, str, str]] = []  # (method, path, node)

    def request(self, method: str, path: str, form: dict | None = None, timeout: float = 30) -> "Page":
        headers = {"Accept-Encoding": "gzip", "Accept": "text/html", "User-Agent": "otop-scaleout-test"}
        if self.jar:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.jar.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if method == "POST":
            # As a real browser does: Django's CSRF check compares it with the Host the node sees.
            headers["Origin"] = f"http://127.0.0.1:{self.port}"
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
        finally:
            conn.close()
        remember_cookies(self.jar, response.headers.get_all("Set-Cookie") or [])
        if response.headers.get("Content-Encoding") == "gzip":
            data = gzip.decompress(data)
        page = Page(response.status, {k.lower(): v for k, v in response.headers.items()}, data.decode("utf-8", "replace"))
        self.served_by.append((method, path, page.headers.get("x-served-by", "")))
        return page

    def get(self, path: str) -> "Page":
        return self.request("GET", path)

    def post(self, path: str, form: dict) -> "Page":
        return self.request("POST", path, {"csrfmiddlewaretoken": self.jar.get("csrftoken", "")} | form)

    def follow(self, page: "Page") -> "Page":
        assert page.status in (301, 302, 303), f"expected a redirect, got {page.status}: {page.text[:500]}"
        return self.get(page.headers["location"])

    def nodes(self) -> set[str]:
        return {node for _method, _path, node in self.served_by}


class Page:
    def __init__(self, status: int, headers: dict, text: str):
        self.status, self.headers, self.text = status, headers, text

    @property
    def plain(self) -> str:
        """The page's text without tags, entities decoded, spaces collapsed."""
        return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", self.text)).split())

    def form_with(self, field: str) -> dict:
        """The fields and values of the page's form that has `field`, as a browser would post them."""
        parser = _FormParser()
        parser.feed(self.text)
        for fields in parser.forms:
            if any(name == field for name, _value in fields):
                found: dict[str, list[str]] = {}
                for name, value in fields:
                    found.setdefault(name, []).append(value)
                return {name: values if len(values) > 1 else values[0] for name, values in found.items()}
        raise AssertionError(f"no form with a field {field!r} on the page")


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[list[tuple[str, str]]] = []
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen = False
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append([])
        if not self.forms:
            return
        fields = self.forms[-1]
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type", "text") not in ("submit", "button", "file", "image"):
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                return
            fields.append((name, attrs.get("value", "on" if attrs.get("type") in ("checkbox", "radio") else "")))
        elif tag == "select" and name:
            self._select, self._select_first, self._select_chosen = name, None, False
        elif tag == "option" and self._select:
            value = attrs.get("value", "")
            if self._select_first is None:
                self._select_first = value
            if "selected" in attrs:
                fields.append((self._select, value))
                self._select_chosen = True
        elif tag == "textarea" and name:
            self._textarea, self._text = name, ""

    def handle_data(self, data):
        if self._textarea:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "select" and self._select:
            if not self._select_chosen and self._select_first is not None:
                self.forms[-1].append((self._select, self._select_first))
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.forms[-1].append((self._textarea, self._text.removeprefix("\n")))
            self._textarea = None
