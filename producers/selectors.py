"""The reads of the producer pages."""

from django.db.models import Prefetch

from accounts.models import User

from .models import PayoutChange, Producer, ProducerMembership, ProducerPhoto
from .services import invitations_for


def producer_profile(*, slug: str) -> Producer:
    """A verified producer with its place chain, photos and members (by first name) prefetched."""
    members = ProducerMembership.objects.select_related("user").order_by("joined_at", "pk")
    return (
        Producer.objects.public()
        .with_place()
        .prefetch_related(
            Prefetch("photos", queryset=ProducerPhoto.objects.order_by("position", "pk")),
            Prefetch("memberships", queryset=members),
        )
        .get(slug=slug)
    )


def member_first_names(producer: Producer) -> list[str]:
    """Members' first names only: the public profile never shows user names or e-mails."""
    return [m.user.first_name for m in producer.memberships.all() if m.user.first_name]


def dashboard_memberships(*, user: User) -> list[ProducerMembership]:
    return list(
        ProducerMembership.objects.filter(user=user)
        .select_related("producer__province")
        .order_by("producer__name_en")
    )


def dashboard_home(*, producer: Producer, user: User) -> dict:
    """The dashboard's first page: state and its history, payout changes, members, open invitations."""
    return {
        "state_changes": list(producer.state_changes.select_related("by")[:10]),
        "payout_changes": payout_history(producer=producer),
        "members": list(producer.memberships.select_related("user").order_by("joined_at", "pk")),
        "open_invitations": list(producer.invitations.filter(answered_at__isnull=True).select_related("user")),
        "my_invitations": list(invitations_for(user)),
    }


def verification_queue(*, state: str = "pending") -> list[Producer]:
    return list(
        Producer.objects.filter(state=state)
        .with_place()
        .prefetch_related(Prefetch("memberships", queryset=ProducerMembership.objects.select_related("user")))
        .order_by("created_at")[:200]
    )


def payout_history(*, producer: Producer, limit: int = 10) -> list[PayoutChange]:
    """The group's latest payout changes, newest first (values are stored masked)."""
    return list(producer.payout_changes.select_related("changed_by", "reviewed_by")[:limit])


def payout_held_change(*, producer: Producer) -> PayoutChange | None:
    """The one change of the payout details waiting for staff review, if any."""
    return producer.payout_changes.filter(state=PayoutChange.State.HELD).select_related("changed_by").first()


def payout_review_queue() -> list[PayoutChange]:
    """Held payout changes, oldest first, with what staff need to judge them: the group, who
    asked, and the details in force."""
    return list(
        PayoutChange.objects.filter(state=PayoutChange.State.HELD)
        .select_related("producer__province", "changed_by")
        .order_by("created_at", "pk")[:200]
    )
