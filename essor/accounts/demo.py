"""Demo accounts, one per platform role. Never loaded outside `make demo`."""

from django.utils import timezone

from .enums import PlatformRole
from .models import User

DEMO_PASSWORD = "demo-essor-2026"  # noqa: S105 - printed on purpose by make demo

DEMO_ACCOUNTS = [
    ("cress@demo.example.org", "Équipe", "CRESS (démo)", PlatformRole.CRESS_STAFF),
    (
        "accompagnement@demo.example.org",
        "Acteur",
        "Accompagnement (démo)",
        PlatformRole.SUPPORT_ACTOR,
    ),
    ("financeur@demo.example.org", "Financeur", "Démo", PlatformRole.FUNDER),
    ("acheteur@demo.example.org", "Acheteur", "Démo", PlatformRole.BUYER),
    ("porteur@demo.example.org", "Porteuse", "de projet (démo)", PlatformRole.NONE),
]


def load():
    users = {}
    for email, first_name, last_name, role in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(
            email=email,
            defaults={
                "first_name": first_name,
                "last_name": last_name,
                "email_confirmed_at": timezone.now(),
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        user.set_platform_role(role)
        users[role] = user
    return users


def describe():
    lines = [f"  {PlatformRole(role).label:<45} {email}" for email, _, _, role in DEMO_ACCOUNTS]
    return "\n".join(lines + [f"  Mot de passe de tous les comptes : {DEMO_PASSWORD}"])
