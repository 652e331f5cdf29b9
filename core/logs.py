"""Logs as one JSON object a line, for a log collector to read without parsing prose.

Two loggers carry the site's own records: ``otop.requests`` (one line per request, written by
otop_site/request_log.py) and ``otop.tasks`` (one line per background task, through
`log_task`). Both go to standard error through `JsonFormatter` (the LOGGING setting). Every line
written while a request is answered carries its request id, so a task's or a warning's line can be
matched with the request that caused it.

The formatter is our own, a few lines on the standard library: the fields are few and fixed, and
python-json-logger would be one more dependency to pin for what `json.dumps` does.
"""

from __future__ import annotations

import contextvars
import json
import logging
import sys
from datetime import UTC, datetime

REQUEST_LOGGER = "otop.requests"
TASK_LOGGER = "otop.tasks"

# The id of the request being answered in this thread (or task), for every line logged meanwhile.
current_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("current_request_id", default=None)

# Attributes every LogRecord has; anything else was passed in `extra=` and becomes a field.
_STANDARD_ATTRIBUTES = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC, ISO 8601), level, logger, message, and the record's extra fields."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = current_request_id.get()
        if request_id is not None:
            line["request_id"] = request_id
        for name, value in vars(record).items():
            if name not in _STANDARD_ATTRIBUTES and not name.startswith("_"):
                line[name] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def log_task(name: str, status: str, ms: float, task_id: str | None = None, *, error: BaseException | None = None, **fields) -> None:
    """Write one line for a background task: its `name` (the function's dotted path, say),
    `status` ("succeeded", "retrying", "failed"), how long it ran in milliseconds and its id
    (the backend's task result id).

    Extra keyword arguments become fields of the line (an attempt number, an order number). A
    task that failed for good is logged at ERROR with its traceback, so it reaches error
    reporting once; an attempt that will be retried at WARNING (Sentry does not hear of every
    attempt); the others at INFO. The `error` is marked as logged: the task frameworks' own line
    about it is lowered to WARNING (`TaskFailureLoggedFilter`)."""
    level = {"failed": logging.ERROR, "retrying": logging.WARNING}.get(status, logging.INFO)
    if error is not None:
        fields["error"] = f"{type(error).__name__}: {error}"
        _mark_logged(error)
    logging.getLogger(TASK_LOGGER).log(
        level,
        "task %s %s",
        name,
        status,
        exc_info=error if level >= logging.ERROR else None,
        extra={"task": name, "status": status, "ms": round(ms, 1), "task_id": task_id, **fields},
    )


_SERVICE_NAMES = {"database": "the database", "redis": "Redis"}


def log_worker_outage(service: str, error: BaseException, *, attempt: int, retry_in: float, worker_id: str) -> None:
    """Write one line for a task worker that lost its queue's server (`service`: "database" or
    "redis") and tries again in `retry_in` seconds. The first failure of an outage is logged at
    ERROR (error reporting hears of the outage once), the further tries at WARNING."""
    logging.getLogger(TASK_LOGGER).log(
        logging.ERROR if attempt == 1 else logging.WARNING,
        "task worker cannot reach %s, trying again in %.1f s",
        _SERVICE_NAMES.get(service, service),
        retry_in,
        extra={"event": "worker_outage", "service": service, "error": f"{type(error).__name__}: {error}".strip(),
               "attempt": attempt, "retry_in": retry_in, "worker_id": worker_id},
    )


def log_worker_recovered(service: str, *, seconds: float, worker_id: str) -> None:
    """Write one line for a task worker that reached its queue's server again after an outage."""
    logging.getLogger(TASK_LOGGER).warning(
        "task worker reached %s again after %.1f s",
        _SERVICE_NAMES.get(service, service),
        seconds,
        extra={"event": "worker_recovered", "service": service, "seconds": round(seconds, 1), "worker_id": worker_id},
    )


# --- The task frameworks' own failure lines -----------------------------------------------------

_LOGGED = "_otop_task_logged"


def _mark_logged(error: BaseException) -> None:
    try:
        setattr(error, _LOGGED, True)
    except AttributeError:  # an exception without attributes of its own: its line stays as it is
        pass


class TaskFailureLoggedFilter(logging.Filter):
    """On the loggers of the task frameworks (django_tasks, RQ's worker), which write every failed
    attempt at ERROR: lower the line to WARNING when its exception was logged by `log_task`
    already, so error reporting gets one event for a task that failed for good (log_task's) and
    none for an attempt that is retried. A logger's filter runs before any handler, Sentry's
    included. RQ logs the failure without exc_info, from inside the `except` block: the exception
    being handled is the one."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.ERROR:
            error = record.exc_info[1] if record.exc_info else sys.exc_info()[1]
            if error is not None and getattr(error, _LOGGED, False):
                record.levelno, record.levelname = logging.WARNING, logging.getLevelName(logging.WARNING)
        return True
