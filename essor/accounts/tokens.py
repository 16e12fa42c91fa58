"""Signed, expiring e-mail confirmation links (no table needed)."""

from django.conf import settings
from django.core import signing

SALT = "essor.accounts.confirm-email"


def make_confirmation_token(user):
    # The address is signed too: a link sent to an old address cannot confirm a new one.
    return signing.dumps({"user": user.pk, "email": user.email}, salt=SALT)


def read_confirmation_token(token):
    """Return (user_pk, email); raise signing.SignatureExpired or signing.BadSignature."""
    data = signing.loads(token, salt=SALT, max_age=settings.ACCOUNT_CONFIRMATION_MAX_AGE)
    return data["user"], data["email"]
