"""The soak's visitors, for Locust (bench/soak.py runs it headless; not meant to be run alone).

The plan (paths, accounts, products to buy) comes from the JSON file named by SOAK_PLAN, which
bench/soak.py writes from the database. Three kinds of visitor, in the proportions of a fair:

    Browser  anonymous: product pages, the catalogue with filters and deep pages, searches,
             producers, the home page
    Member   signs in with a bench account, browses as Browser does, now and then signs out and
             in again
    Buyer    signs in, then again and again: one product into the cart, open the checkout,
             place the order (bank transfer, shipped)

No redirect is followed, so each request is measured alone; a request answering anything but
what the site answers a visitor (200, or the form's redirect) is a failure.
"""

import itertools
import json
import os
import random
import time
from pathlib import Path

from locust import HttpUser, between, events, task

from bench.load import PASSWORD, checkout_form

PLAN = json.loads(Path(os.environ["SOAK_PLAN"]).read_text(encoding="utf-8"))
PATHS = PLAN["paths"]
MEMBERS = itertools.cycle(PLAN["members"])
BUYERS = itertools.cycle(PLAN["buyers"])
PRODUCTS = PLAN["products"]
HEADERS = {"Accept-Encoding": "gzip", "Accept": "text/html,*/*;q=0.8", "User-Agent": "otop-soak"}

# Each request after the warm-up (PLAN["measured_from"], a Unix time): its name, milliseconds and
# whether it failed; written to PLAN["steady_file"] when Locust stops (bench/soak.py reads it).
STEADY: list[tuple[str, float, bool]] = []


@events.request.add_listener
def remember_after_the_warm_up(name, response_time, exception, **_kwargs):
    if time.time() >= PLAN["measured_from"]:
        STEADY.append((name, response_time, exception is not None))


@events.quitting.add_listener
def write_the_steady_requests(**_kwargs):
    Path(PLAN["steady_file"]).write_text(json.dumps(STEADY), encoding="utf-8")


class Visitor(HttpUser):
    abstract = True
    wait_time = between(PLAN["wait_min"], PLAN["wait_max"])

    def on_start(self):
        self.rng = random.Random()

    def loopback_cookies(self):
        """Send the site's Secure cookies back over plain HTTP, as browsers do on 127.0.0.1 (a
        secure context to them); requests would keep them for HTTPS."""
        for cookie in self.client.cookies:
            cookie.secure = False

    def get(self, path: str, name: str):
        with self.client.get(path, headers=HEADERS, allow_redirects=False, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} on {path}")
        self.loopback_cookies()

    def post(self, path: str, form: dict, name: str, expect: str):
        """A form's POST: the CSRF token from its cookie; succeeds when it redirects to `expect`."""
        form = {"csrfmiddlewaretoken": self.client.cookies.get("csrftoken", "")} | form
        with self.client.post(path, data=form, headers=HEADERS, allow_redirects=False, name=name, catch_response=True) as response:
            self.loopback_cookies()
            location = response.headers.get("Location", "")
            if response.status_code != 302 or expect not in location:
                response.failure(f"{response.status_code} to {location!r} on {path}")
                return None
            return location

    def browse(self):
        kind = self.rng.choices(list(PATHS), weights=[PLAN["weights"][kind] for kind in PATHS])[0]
        self.get(self.rng.choice(PATHS[kind]), name=kind)

    def log_in(self, username: str):
        self.get("/accounts/login/", name="sign-in: form")
        self.post("/accounts/login/", {"username": username, "password": PASSWORD, "next": "/accounts/profile/"},
                  name="sign-in: post", expect="/accounts/profile/")


class Browser(Visitor):
    weight = 6

    @task
    def browse_anonymously(self):
        self.browse()


class Member(Visitor):
    weight = 3

    def on_start(self):
        super().on_start()
        self.username = next(MEMBERS)
        self.log_in(self.username)

    @task(20)
    def browse_signed_in(self):
        self.browse()

    @task(1)
    def sign_in_again(self):
        self.post("/accounts/logout/", {}, name="sign-out", expect="/")
        self.log_in(self.username)


class Buyer(Visitor):
    weight = 1

    def on_start(self):
        super().on_start()
        self.username = next(BUYERS)
        self.log_in(self.username)

    @task
    def check_out(self):
        product = self.rng.choice(PRODUCTS)
        # Refused (sold out, say), the site goes back to `next` instead of the cart.
        form = {"product": str(product), "quantity": "1", "next": "/?refused=1"}
        if not self.post("/cart/add/", form, name="cart: add", expect="/cart/"):
            return
        with self.client.get("/checkout/", headers=HEADERS, allow_redirects=False, name="checkout: open",
                             catch_response=True) as response:
            self.loopback_cookies()
            if response.status_code != 200:
                response.failure(f"{response.status_code} on /checkout/")
                return
            try:
                form = checkout_form(response.text)
            except RuntimeError as error:
                response.failure(str(error))
                return
        form |= {"email": f"{self.username}@bench.example"}
        self.post("/checkout/", form, name="checkout: place", expect="/orders/")
