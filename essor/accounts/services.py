"""Account operations that touch more than the user row."""

import json

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from essor.core.emails import deferred, email_value, forget_pending_emails, queue_email
from essor.core.models import Export

from .enums import PlatformRole
from .models import Notification, User
from .personal_data import PERSONAL_DATA_EXPORTERS, forget
from .tokens import make_confirmation_token


def cress_staff_emails():
    """The addresses of the CRESS team: perms.is_cress_staff's rule, as a query."""
    staff = User.objects.filter(is_active=True).filter(
        models.Q(platform_role=PlatformRole.CRESS_STAFF) | models.Q(is_superuser=True)
    )
    return list(staff.order_by("email").values_list("email", flat=True))


@email_value
def confirmation_link(user):
    """Made when the e-mail is sent: the queued task holds no token (issue 12.8)."""
    return settings.ESSOR_BASE_URL + reverse(
        "accounts:confirm_email", args=[make_confirmation_token(user)]
    )


@email_value
def password_reset_link(user):
    """Django's reset link (uid and token), made when the e-mail is sent."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return settings.ESSOR_BASE_URL + reverse("accounts:password_reset_confirm", args=[uid, token])


def sign_up(form):
    """Create the account of a valid sign-up form and send its confirmation link; when
    the address already has an account, create nothing and tell its holder by e-mail.
    The person signing up gets the same answer in both cases. Returns the new user or
    None."""
    email = form.cleaned_data["email"]
    holder = User.objects.filter(email__iexact=email).first()
    if holder is not None:
        queue_email(
            "accounts/emails/account_exists",
            {
                "user": holder,
                "login_url": settings.ESSOR_BASE_URL + reverse("accounts:login"),
                "reset_url": settings.ESSOR_BASE_URL + reverse("accounts:password_reset"),
            },
            [holder.email],
        )
        return None
    user = form.save()
    send_confirmation_email(user)
    return user


def send_confirmation_email(user):
    queue_email(
        "accounts/emails/confirm_email",
        {"user": user, "link": deferred(confirmation_link, user)},
        [user.email],
    )


def personal_data(user):
    """Everything the platform holds about a person, as a JSON-ready dict (RGPD art. 15/20).

    Other apps add their own section by listing a callable in PERSONAL_DATA_EXPORTERS."""
    data = {
        "compte": {
            "email": user.email,
            "prenom": user.first_name,
            "nom": user.last_name,
            "role_plateforme": user.get_platform_role_display(),
            "inscrit_le": user.date_joined,
            "derniere_connexion": user.last_login,
            "email_confirme_le": user.email_confirmed_at,
        },
        "structures": [
            {
                "structure": m.organisation.name,
                "role": m.get_role_display(),
                "depuis": m.created_at,
            }
            for m in user.memberships.select_related("organisation")
        ],
        "exports": [
            {"export": e.kind, "etat": e.get_status_display(), "demande_le": e.created_at}
            for e in Export.objects.filter(owner=user)
        ],
    }
    data["notifications"] = [
        {"message": n.message, "precisions": n.detail, "lien": n.url, "le": n.created_at,
         "lue_le": n.read_at}
        for n in user.notifications.all()
    ]  # fmt: skip
    for exporter in PERSONAL_DATA_EXPORTERS:
        data.update(exporter(user))
    return data


def personal_data_json(user):
    return json.dumps(personal_data(user), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)


def delete_account(user):
    """Delete the person by the platform's one rule (essor/accounts/personal_data.py,
    README « Sécurité »): what only they use goes; what they sent to others stays without
    their name, e-mail, phone or message; what they published in an organisation's name
    stays, no longer linked to them. The e-mails still waiting for them are dropped."""
    with transaction.atomic():
        forget_pending_emails(user)
        forget(user)
        user.delete()


# Notifications

NOTIFICATION_EMAIL = "accounts/emails/notification"


def absolute_url(path):
    """The link an e-mail carries: the platform's public address (ESSOR_BASE_URL) and the
    path, as the worker knows no request."""
    return settings.ESSOR_BASE_URL + path


def notify(recipients, message, url, *, detail="", email_template=NOTIFICATION_EMAIL, context=None):
    """Tell each person of `recipients` that `message` happened, with a link to `url` (a
    path: the exact page it is about) and optional `detail` (a funder's reason...): a line
    on their notifications page (/compte/notifications/) and, unless `email_template` is
    None, an e-mail through the task queue with the absolute link. Inactive accounts and
    duplicates are dropped. `context` adds values to the e-mail's template (the plain
    values and model instances queue_email carries). Returns the people notified."""
    people = {}
    for user in recipients:
        if user is not None and user.is_active:
            people.setdefault(user.pk, user)
    if not people:
        return []
    Notification.objects.bulk_create(
        Notification(recipient=user, message=message[:300], detail=detail, url=url)
        for user in people.values()
    )
    User.objects.filter(pk__in=people).update(
        unread_notifications=models.F("unread_notifications") + 1
    )
    if email_template:
        for user in people.values():
            queue_email(
                email_template,
                {"user": user, "message": message, "detail": detail,
                 "url": absolute_url(url), **(context or {})},
                [user.email],
            )  # fmt: skip
    return list(people.values())
