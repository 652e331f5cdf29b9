from django.db import migrations
from django.db.models.functions import Now

# The seed_demo command's accounts use this domain (reserved by RFC 2606: nobody can receive mail
# there, so nobody can confirm it by link). Development databases seeded before addresses needed
# confirming get them confirmed, as seed_demo now makes them; real accounts stay unconfirmed until
# their owners open the link the site offers to send.
DEMO_DOMAIN = "@demo.otop.example"


def confirm_demo_addresses(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    User.objects.filter(email__iendswith=DEMO_DOMAIN, email_verified_at__isnull=True).update(email_verified_at=Now())


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_verified_email_and_user_names_without_at")]

    operations = [migrations.RunPython(confirm_demo_addresses, migrations.RunPython.noop)]
