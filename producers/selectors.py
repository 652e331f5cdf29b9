"""The reads of the producer pages."""

from functools import reduce
from operator import or_

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from accounts.models import User

from .models import PayoutChange, Producer, ProducerMembership, ProducerPhoto
from .onboarding import Checklist, registered_steps
from .services import invitations_for

QUEUE_SEARCH_WORDS = 5


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


def onboarding_checklist(*, producer: Producer, is_manager: bool) -> Checklist:
    """The group's onboarding checklist (producers/onboarding.py): every registered step in
    order, its links as the reader may follow them (`is_manager`). A query or two per step."""
    return Checklist(steps=[build(producer, is_manager=is_manager) for build in registered_steps()])


# Where a word typed in the verification queue's search box may be found: the group's names and
# contact details, and the names of its place, the places above it and its province.
QUEUE_SEARCH_FIELDS = [
    "name", "name_en", "name_ja", "slug", "contact_email", "contact_phone", "line_id",
    *(
        f"{place}__{name}"
        for place in ("place", "place__parent", "place__parent__parent", "province")
        for name in ("name_en", "name_local", "name_th", "name_ja")
    ),
]
# …and the accounts of its members: user name, names, e-mail.
QUEUE_MEMBER_SEARCH_FIELDS = ["user__username", "user__first_name", "user__last_name", "user__email"]


def _queue_word(word: str) -> Q:
    members = ProducerMembership.objects.filter(producer=OuterRef("pk")).filter(
        reduce(or_, (Q(**{f"{field}__icontains": word}) for field in QUEUE_MEMBER_SEARCH_FIELDS))
    )
    return reduce(or_, (Q(**{f"{field}__icontains": word}) for field in QUEUE_SEARCH_FIELDS)) | Q(Exists(members))


def verification_queue(*, state: str = "pending", query: str = "") -> QuerySet[Producer]:
    """The producers in `state`, longest waiting first, for staff to page through: each word of
    `query` must be found in the group's names or contact details, its place (village, tambon,
    district, province) or its members' names and e-mail addresses. With the place chain and the
    members' accounts (the queue shows the managers' contacts), so a page costs the same
    whatever its length."""
    producers = Producer.objects.filter(state=state)
    for word in query.split()[:QUEUE_SEARCH_WORDS]:
        producers = producers.filter(_queue_word(word))
    members = ProducerMembership.objects.select_related("user").order_by("role", "joined_at", "pk")  # managers first
    return producers.with_place().prefetch_related(Prefetch("memberships", queryset=members)).order_by("created_at", "pk")


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
