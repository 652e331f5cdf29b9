"""The four documented demo accounts (SPEC §5)."""

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
        user.is_staff = user.is_superuser = staff
        user.set_password(DEMO_PASSWORD)
        user.save()
        accounts[username] = user
    return accounts
