"""The orders' background work (docs/tasks.md)."""

from core.tasks import background_task

from .services import orders_expire


@background_task
def orders_expire_due() -> int:
    """Cancel the unpaid orders past their time and return their stock (periodic:
    settings.TASKS_SCHEDULE). Safe beside another run: each order is taken by one."""
    return orders_expire()
