"""The lifecycle kernel: one declaration per state machine, one way to move along it.

A ``Lifecycle`` declares a model's states, the moves between them (each with who may make it
and, optionally, the label of the button that offers it) and the history table every move is
written to (a subclass of ``core.models.StateChange``). Services move a row with
``transition`` or, when the move has business steps of its own, with the pieces it is made of:

- ``authorise(row, to=, by=)`` — the gate: may ``by`` ask for a move to ``to`` at all
  (an organiser of the event, staff); PermissionDenied otherwise;
- ``check(row, to=, by=)`` — the move is declared from the row's state (ValidationError with the
  lifecycle's ``refused`` message) and ``by`` may make it (PermissionDenied with ``denied``);
- ``record(row, to=, by=, note=)`` — the new state saved and the history row written;
- ``start(row, by=)`` — the history row of a new row's first state.

The caller holds the row's lock (``transition`` takes it) and an open transaction, so the state
and its history are written together or not at all. Pages ask the same declaration which moves
to offer (``targets``, ``sources``, ``actions``), and a test compares it with the database's own rules where
the database has some (the stall applications' trigger).

A rule is a callable ``(row, by) -> bool``; a gate is ``(row, by, to) -> bool``. Either may raise
PermissionDenied itself to give its own message. ``by`` is None when the system moves a row.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction

Rule = Callable[[Any, Any], bool]
Gate = Callable[[Any, Any, str], bool]


@dataclass(frozen=True)
class Move:
    """A declared move: from `source` to `target`, made by whoever `rule` lets (anyone who passed
    the gate when None), offered on a button labelled `label` where a page offers it."""

    source: str
    target: str
    rule: Rule | None = None
    label: str = ""


class Lifecycle:
    """The states of `model`'s `field`, the moves between them and the history they are written to.

    `refused` is the message of an undeclared move, formatted with the labels of the two states
    as ``%(from)s`` and ``%(to)s`` (a target that is no state at all shows as given); `denied`
    the message when a rule says no. `touch` names fields saved with every move (``updated_at``).
    """

    def __init__(
        self,
        *,
        model: type[models.Model],
        states: type[models.TextChoices],
        moves: Iterable[Move],
        history: type[models.Model],
        subject: str,
        refused: str,
        denied: str = "",
        field: str = "state",
        gate: Gate | None = None,
        touch: tuple[str, ...] = (),
    ) -> None:
        self.model, self.states, self.history, self.subject = model, states, history, subject
        self.field, self.gate, self.touch = field, gate, touch
        self.refused, self.denied = refused, denied
        self.moves: dict[tuple[str, str], Move] = {}
        for move in moves:
            unknown = {move.source, move.target} - set(states.values)
            if unknown:
                raise ValueError(f"{model.__name__}: not a state: {sorted(unknown)}")
            self.moves[move.source, move.target] = move

    # --- What the declaration says ----------------------------------------------------------

    def allows(self, source: str, target: str) -> bool:
        """Whether the move from `source` to `target` is declared (whoever makes it)."""
        return (source, target) in self.moves

    def targets(self, source: str) -> list[str]:
        """The states a row in `source` may move to, in the order they are declared."""
        return [move.target for move in self.moves.values() if move.source == source]

    def sources(self, target: str) -> list[str]:
        """The states from which a row may move to `target`, in the order they are declared."""
        return [move.source for move in self.moves.values() if move.target == target]

    def actions(self, source: str) -> list[tuple[str, str]]:
        """(target, button label) of the labelled moves from `source`, in declaration order."""
        return [(move.target, move.label) for move in self.moves.values() if move.source == source and move.label]

    def label(self, state: str) -> str:
        return self.states(state).label if state in self.states.values else state

    # --- Moving a row -----------------------------------------------------------------------

    def authorise(self, row, *, to: str, by) -> None:
        """The gate: PermissionDenied unless `by` may ask for a move of `row` to `to` at all."""
        if self.gate is not None and not self.gate(row, by, to):
            raise PermissionDenied(self.denied)

    def check(self, row, *, to: str, by) -> str:
        """Return the row's state when the move to `to` is declared from it and `by` may make it.
        ValidationError (`refused`) for an undeclared move, PermissionDenied (`denied`) for a
        person the move's rule refuses."""
        source = getattr(row, self.field)
        move = self.moves.get((source, to))
        if move is None:
            raise ValidationError(str(self.refused) % {"from": self.label(source), "to": self.label(to)})
        if move.rule is not None and not move.rule(row, by):
            raise PermissionDenied(self.denied)
        return source

    def record(self, row, *, to: str, by, note: str = "", fields: Iterable[str] = ()):
        """Save `row` in state `to` (with `fields` and the touched ones) and write the history row;
        return it. The caller has checked the move and holds the row's lock."""
        source = getattr(row, self.field)
        setattr(row, self.field, to)
        row.save(update_fields=[self.field, *self.touch, *fields])
        return self._write(row, source=source, to=to, by=by, note=note)

    def start(self, row, *, by, note: str = ""):
        """The history row of a new row's first state (from nothing)."""
        return self._write(row, source="", to=getattr(row, self.field), by=by, note=note)

    def transition(self, row, *, to: str, by, note: str = ""):
        """Move `row` to `to` in one transaction: the gate, the row's lock, the check, the new
        state and its history. Return the locked, updated row. Raises PermissionDenied or
        ValidationError, and then nothing changes."""
        with transaction.atomic():
            self.authorise(row, to=to, by=by)
            row = self.model._default_manager.select_for_update().get(pk=row.pk)
            self.check(row, to=to, by=by)
            self.record(row, to=to, by=by, note=note)
        return row

    def _write(self, row, *, source: str, to: str, by, note: str):
        return self.history._default_manager.create(
            **{self.subject: row}, from_state=source, to_state=to, by=by, note=note.strip()
        )
