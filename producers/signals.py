"""What producers announce to the apps above them, which receive it in their own receivers."""

from django.dispatch import Signal

# Sent inside the transaction that changed a producer's verification state, with `producer`
# (its new state saved): the catalogue shows or hides the producer's products.
producer_state_changed = Signal()
