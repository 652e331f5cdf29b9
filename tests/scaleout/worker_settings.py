"""Settings of a task worker started by tests/scaleout/test_tasks.py: the test settings, with the
database backend (or TASKS_BACKEND from the environment) and e-mails written to a file."""

import os

os.environ["TASKS_BACKEND"] = os.environ.get("WORKER_TASKS_BACKEND", "database")

from otop_site.settings.test import *  # noqa: F403

EMAIL_BACKEND = "tests.scaleout.task_doubles.MailLogBackend"
EMAIL_LOG_PATH = os.environ["EMAIL_LOG_PATH"]
