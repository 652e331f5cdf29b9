"""What a group still needs before it sells: the onboarding checklist on its dashboard, and the
one rule the catalogue enforces (buyers must be able to pay the group with at least one way of
delivery before a product is published).

The steps belong to several apps: the profile, photos and verification are the producers', the
first product the catalogue's, the payment details and sales terms the orders app's (which
payments it can take, which deliveries they go with). Those apps stand above producers, so they
register their steps and their sales check here, from AppConfig.ready(), as accounts/roles.py
does for roles; producers names no app above it.

    register_step(50, first_product_step)
    register_sales_check(sales_readiness_of)
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Producer


@dataclass(frozen=True)
class Remedy:
    """One thing a group can do about a missing step: the words, and the page where it is done
    (`managers_only` when only the group's managers may open it)."""

    text: str
    url: str = ""
    link_text: str = ""
    managers_only: bool = False


@dataclass(frozen=True)
class SalesReadiness:
    """How buyers can pay the group: `ways` names the delivery and payment combinations it can
    take ("Shipping: bank transfer, cash on delivery"); when there are none, `remedies` says what
    would give one (any one of them is enough)."""

    ways: list[str] = field(default_factory=list)
    remedies: list[Remedy] = field(default_factory=list)

    @property
    def can_sell(self) -> bool:
        return bool(self.ways)


class StepState:
    DONE = "done"
    TODO = "todo"
    WAITING = "waiting"  # done by the group, waiting for our staff


@dataclass(frozen=True)
class Step:
    """One line of the checklist: its state, what is missing or in force (`detail`), where it is
    done, and what it unlocks."""

    key: str
    title: str
    state: str
    unlocks: str
    detail: str = ""
    url: str = ""
    link_text: str = ""
    remedies: list[Remedy] = field(default_factory=list)

    @property
    def done(self) -> bool:
        return self.state == StepState.DONE


@dataclass(frozen=True)
class Checklist:
    steps: list[Step]

    @property
    def done_count(self) -> int:
        return sum(1 for step in self.steps if step.done)

    @property
    def complete(self) -> bool:
        return all(step.done for step in self.steps)


# A step builder reads one producer for one reader (`is_manager`: may they open the managers'
# pages?) and returns its Step.
StepBuilder = Callable[..., Step]

_steps: list[tuple[int, StepBuilder]] = []
_sales_check: dict[str, Callable[[Producer], SalesReadiness]] = {}


def register_step(position: int, build: StepBuilder) -> None:
    """Add a step to the checklist at `position` (lower first); `build(producer, is_manager=…)`
    returns its Step. Registering the same builder again changes nothing."""
    if any(known is build for _position, known in _steps):
        return
    _steps.append((position, build))
    _steps.sort(key=lambda entry: entry[0])


def register_sales_check(check: Callable[[Producer], SalesReadiness]) -> None:
    """Set the app that knows how buyers pay (orders) as the judge of `sales_readiness`."""
    _sales_check["check"] = check


def sales_readiness(producer: Producer) -> SalesReadiness:
    """How buyers can pay `producer`, by the registered check. With none registered (no app
    sells), nothing stands in the way."""
    check = _sales_check.get("check")
    if check is None:
        return SalesReadiness(ways=[str(_("any"))])
    return check(producer)


def registered_steps() -> list[StepBuilder]:
    """The registered step builders, in checklist order."""
    return [build for _position, build in _steps]


def manager_link(url_name: str, link_text: str, *, is_manager: bool) -> dict:
    """A step's link to a managers-only page: none for a plain member, who is told to ask."""
    if is_manager:
        return {"url": reverse(url_name), "link_text": link_text}
    return {"url": "", "link_text": ""}


MANAGERS_ONLY = gettext_lazy("A manager of the group can do this.")


# --- The producers' own steps ------------------------------------------------------------------


def profile_step(producer: Producer, *, is_manager: bool) -> Step:
    """The profile is complete with a story (own language or English) and a way to reach the group."""
    missing = []
    if not (producer.story or producer.story_en):
        missing.append(_("your story"))
    if not (producer.contact_phone or producer.contact_email or producer.line_id):
        missing.append(_("a phone number, e-mail or LINE ID"))
    return step_of_missing(
        missing,
        key="profile",
        title=_("Complete your profile"),
        unlocks=_("Our staff read it to verify your group; visitors see it on your public page."),
        url=reverse("producers:profile"),
        link_text=_("Edit the profile"),
    )


def step_of_missing(missing: list, **fields) -> Step:
    """A step that is done when nothing is `missing`, and otherwise says what is."""
    detail = _("Still missing: %(missing)s.") % {"missing": ", ".join(missing)} if missing else ""
    return Step(state=StepState.TODO if missing else StepState.DONE, detail=detail, **fields)


def photos_step(producer: Producer, *, is_manager: bool) -> Step:
    """A logo and at least one photo of the group or its work."""
    missing = []
    if not producer.logo:
        missing.append(_("a logo"))
    if not producer.photos.exists():
        missing.append(_("a photo of your group or workshop"))
    return step_of_missing(
        missing,
        key="photos",
        title=_("Add a logo and photos"),
        unlocks=_("Your public page shows who you are and how you work."),
        url=reverse("producers:photos"),
        link_text=_("Add photos"),
    )


def verification_step(producer: Producer, *, is_manager: bool) -> Step:
    """Staff verify the group; until then nothing of it is shown to visitors."""
    if producer.state == Producer.State.VERIFIED:
        state, detail = StepState.DONE, ""
    elif producer.state == Producer.State.PENDING:
        state, detail = StepState.WAITING, _("Our staff will check your registration soon.")
    else:
        state, detail = StepState.TODO, _("Your group is suspended; contact us to be reinstated.")
    return Step(
        key="verification",
        title=_("Verification by our staff"),
        state=state,
        detail=detail,
        unlocks=_("Your public page and your published products are shown to visitors."),
    )
