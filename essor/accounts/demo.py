"""Demo accounts, one per platform role (data/demo/accounts.json). Never loaded outside
`make demo` and the tests."""

from django.utils import timezone

from essor.core.demo import demo_step

from .enums import PlatformRole
from .models import User


@demo_step("accounts.json", order=10)
def load(data):
    users = {}
    for record in data["records"]:
        role = PlatformRole(record["platform_role"])
        user, created = User.objects.get_or_create(
            email=record["email"],
            defaults={
                "first_name": record["first_name"],
                "last_name": record["last_name"],
                "email_confirmed_at": timezone.now(),
            },
        )
        if created:
            user.set_password(data["password"])
            user.save()
        user.set_platform_role(role)
        users[role] = user
    return users


def describe():
    data = load.step.read()
    lines = [
        f"  {PlatformRole(record['platform_role']).label:<45} {record['email']}"
        for record in data["records"]
    ]
    return "\n".join(lines + [f"  Mot de passe de tous les comptes : {data['password']}"])
