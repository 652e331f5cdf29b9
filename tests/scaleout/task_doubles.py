"""What the task tests run in a worker process of their own: a task that always fails, one that
takes its time, and an e-mail backend that writes one line per message to a file the test reads (the worker's outbox
is in another process)."""

import json
import time

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend

from core.tasks import background_task


@background_task(attempts=3)
def always_fails(*, reason: str) -> None:
    raise RuntimeError(reason)


@background_task
def naps(*, seconds: float) -> str:
    """Long enough for a test to stop the database under it."""
    time.sleep(seconds)
    return "rested"


class MailLogBackend(BaseEmailBackend):
    """Appends {"to": [...], "subject": ...} per message to settings.EMAIL_LOG_PATH."""

    def send_messages(self, email_messages):
        with open(settings.EMAIL_LOG_PATH, "a", encoding="utf-8") as log:
            for message in email_messages:
                log.write(json.dumps({"to": message.to, "subject": message.subject}) + "\n")
        return len(email_messages)
