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


def log_task(name: str, status: str, ms: float, task_id: str | None = None, **fields) -> None:
    """Write one line for a background task: its `name` (the function's dotted path, say),
    `status` ("succeeded", "failed", "retrying"…), how long it ran in milliseconds and its id.

    Extra keyword arguments become fields of the line (an attempt number, an order number). A
    failed task is logged at ERROR, so it reaches error reporting too; the others at INFO.
    """
    level = logging.ERROR if status == "failed" else logging.INFO
    logging.getLogger(TASK_LOGGER).log(
        level,
        "task %s %s",
        name,
        status,
        extra={"task": name, "status": status, "ms": round(ms, 1), "task_id": task_id, **fields},
    )
