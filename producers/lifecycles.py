"""A producer's verification lifecycle: staff verify, suspend and reinstate producers."""

from itertools import permutations

from django.utils.translation import gettext_lazy as _

from core.lifecycle import Lifecycle, Move

from .models import Producer, ProducerStateChange


def staff_only(producer: Producer, by, to: str) -> bool:
    """Only staff move a producer, whatever the move."""
    return by is not None and by.is_staff


# Staff may put a producer in any state from any other; a state that is none of them is the only
# move refused.
PRODUCER_LIFECYCLE = Lifecycle(
    model=Producer,
    states=Producer.State,
    history=ProducerStateChange,
    subject="producer",
    moves=[Move(source, target) for source, target in permutations(Producer.State.values, 2)],
    gate=staff_only,
    refused=_("Unknown verification state."),
    denied=_("Only staff can verify or suspend producers."),
    touch=("updated_at",),
)
