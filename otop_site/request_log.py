"""One JSON line per request (core/logs.py), and a request id that follows it.

The id comes from the request's ``X-Request-ID`` header when a proxy or load balancer set one
(so its logs and ours name the same request), otherwise it is made here; the response carries it
back in ``X-Request-ID``.
"""

from __future__ import annotations

import logging
import re
import time
import uuid

from django.contrib.auth import SESSION_KEY
from django.utils.functional import empty

from core.logs import REQUEST_LOGGER, current_request_id

logger = logging.getLogger(REQUEST_LOGGER)

# Ids we take as they come: short, and nothing that could forge a second log field or header.
ACCEPTED_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


def request_id_of(request) -> str:
    """The id a proxy gave the request in X-Request-ID if it looks like one, else a new one."""
    given = request.headers.get("X-Request-ID", "")
    if ACCEPTED_REQUEST_ID.fullmatch(given):
        return given
    return uuid.uuid4().hex


def user_id_of(request) -> str | None:
    """The signed-in visitor's id, from what the request has already read: logging never costs a
    query of its own (a cached page is answered from the session alone, or from nothing)."""
    user = request.__dict__.get("user")
    wrapped = getattr(user, "_wrapped", empty)
    if wrapped is not empty:
        return str(wrapped.pk) if wrapped.is_authenticated else None
    session = getattr(request, "session", None)
    if session is not None and hasattr(session, "_session_cache"):
        return session.get(SESSION_KEY)
    return None


class RequestLogMiddleware:
    """Outermost, so it times everything and logs the status the visitor really got (the styled
    503 and 500 pages included)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        request.request_id = request_id_of(request)
        token = current_request_id.set(request.request_id)
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request.request_id
            self.log(request, response.status_code, started)
            return response
        finally:
            current_request_id.reset(token)

    @staticmethod
    def log(request, status: int, started: float) -> None:
        ms = (time.perf_counter() - started) * 1000
        try:
            user_id = user_id_of(request)
        except Exception:  # noqa: BLE001 - a session store that is down must not cost the answer
            user_id = None
        logger.info(
            "%s %s %s",
            request.method,
            request.path,
            status,
            extra={"method": request.method, "path": request.path, "status": status, "ms": round(ms, 1), "user_id": user_id},
        )
