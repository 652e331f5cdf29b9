"""The four documented demo accounts, and the buyers of the demo orders."""

from django.utils import timezone

from core.demo import DemoSite, demo_step

from .models import User

DEMO_PASSWORD = "otop-demo-2026"
DEMO_ACCOUNTS = [
    # user name, first name, e-mail, language, staff
    ("visitor", "Mali", "visitor@demo.otop.example", "en", False),
    ("producer", "Somchai", "producer@demo.otop.example", "th", False),
    ("organiser", "Kanya", "organiser@demo.otop.example", "th", False),
    ("admin", "Admin", "admin@demo.otop.example", "en", True),
]


def demo_accounts_create() -> dict[str, User]:
    """Create (or reset the password of) the demo accounts; return them by user name."""
    accounts = {}
    for username, first_name, email, language, staff in DEMO_ACCOUNTS:
        user = User.objects.filter(username=username).first() or User(username=username)
        user.first_name, user.email, user.language = first_name, email, language
        user.email_verified_at = user.email_verified_at or timezone.now()
        user.is_staff = user.is_superuser = staff
        user.set_password(DEMO_PASSWORD)
        user.save()
        accounts[username] = user
    return accounts


BUYER_NAMES = ["Naree", "Yuki", "Anan", "Hiroko", "Chai", "Linh", "Sophal", "Mayu", "Tanawat", "Keiko"]


def demo_buyers_create(*, rng, count: int) -> list[User]:
    """Buyers who place the demo orders (no usable password: they do not log in)."""
    buyers = []
    for number in range(count):
        name = BUYER_NAMES[number % len(BUYER_NAMES)]
        user, created = User.objects.get_or_create(
            username=f"buyer-{name.lower()}-{number + 1}",
            defaults={
                "first_name": name,
                "email": f"{name.lower()}{number + 1}@demo.otop.example",
                "email_verified_at": timezone.now(),
                "language": rng.choice(["en", "th", "ja"]),
            },
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        buyers.append(user)
    return buyers


@demo_step(
    order=30,
    label="demo accounts",
    summary=f"the four demo accounts ({', '.join(a[0] for a in DEMO_ACCOUNTS)}; password {DEMO_PASSWORD})",
)
def demo_accounts_step(site: DemoSite) -> str:
    accounts = demo_accounts_create()
    site.made["accounts"] = accounts
    site.notes.append(f"Log in as {', '.join(accounts)} with the password {DEMO_PASSWORD}.")
    return ", ".join(accounts)
