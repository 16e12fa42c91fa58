"""Background work of purchasing: sending a published need to its suppliers, batch by
batch (each batch a task, each e-mail through essor.core.emails.queue_email)."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from essor.core.emails import queue_email

from .enums import NeedEvent, NeedStatus
from .matching import BATCH_SIZE, match_need
from .models import NeedRecipient, PurchaseNeed


@task()
def notify_need(need_id):
    """Match a just-published need, store its recipients with their reasons, and queue
    one task per capped batch of e-mails."""
    need = PurchaseNeed.objects.select_related("category", "commune").filter(pk=need_id).first()
    if need is None or need.status != NeedStatus.PUBLISHED:
        return 0
    with transaction.atomic():
        already = set(need.recipients.values_list("supplier_id", flat=True))
        matches, left_out = match_need(need)
        new = [(pk, reasons) for pk, reasons in matches if pk not in already]
        first_batch = (
            need.recipients.order_by("-batch").values_list("batch", flat=True).first() or 0
        ) + 1
        rows = [
            NeedRecipient(
                need=need, supplier_id=pk, reasons=reasons, batch=first_batch + i // BATCH_SIZE
            )
            for i, (pk, reasons) in enumerate(new)
        ]
        NeedRecipient.objects.bulk_create(rows)
        batches = sorted({row.batch for row in rows})
        comment = f"{len(rows)} fournisseur(s) correspondant(s), {len(batches)} lot(s) de {BATCH_SIZE} au plus"
        if left_out:
            comment += f" ; {left_out} au-delà du plafond, non prévenu(s)"
        need.workflow.record(need, NeedEvent.NOTIFY, comment=comment + ".")
        for batch in batches:
            transaction.on_commit(lambda b=batch: send_need_batch.enqueue(need_id=need.pk, batch=b))
    return len(rows)


@task()
def send_need_batch(need_id, batch):
    recipients = NeedRecipient.objects.filter(
        need_id=need_id, batch=batch, notified_at__isnull=True
    ).select_related("need__buyer", "need__category", "need__commune", "supplier__organisation")
    sent = 0
    for recipient in recipients:
        to = recipient_addresses(recipient.supplier)
        if to:
            need = recipient.need
            queue_email(
                "purchasing/emails/need_match",
                {
                    "need": need,
                    "supplier": recipient.supplier,
                    "reasons": recipient.reasons,
                    "url": settings.ESSOR_BASE_URL + need.get_absolute_url(),
                },
                to,
            )
            sent += 1
        NeedRecipient.objects.filter(pk=recipient.pk).update(notified_at=timezone.now())
    return sent


def recipient_addresses(profile):
    """The supplier's address for buyers, else its members' (admins first)."""
    if profile.contact_email:
        return [profile.contact_email]
    members = profile.organisation.memberships.select_related("user").order_by("-role", "pk")
    return [m.user.email for m in members if m.user.is_active][:3]


@task()
def alert_saved_searches(profile_id):
    """Tell each buyer whose saved sourcing search the newly published supplier matches
    (once per search and supplier: SupplierAlert)."""
    from django.db import IntegrityError
    from django.urls import reverse

    from .forms import SourcingForm
    from .models import SavedSourcingSearch, SupplierAlert, SupplierProfile
    from .services import unsubscribe_token
    from .sourcing import match_of

    profile = SupplierProfile.objects.published().filter(pk=profile_id).first()
    if profile is None:
        return 0
    sent = 0
    searches = SavedSourcingSearch.objects.filter(user__is_active=True).select_related("user")
    for search in searches.exclude(alerts__supplier=profile).iterator():
        form = SourcingForm(search.params)
        # A search saved before a category or a commune went away no longer matches.
        if not form.is_valid():
            continue
        match = match_of(form.criteria(), profile.pk)
        if match is None:
            continue
        try:
            with transaction.atomic():
                SupplierAlert.objects.create(search=search, supplier=profile)
        except IntegrityError:
            continue
        base = settings.ESSOR_BASE_URL
        queue_email(
            "purchasing/emails/new_supplier",
            {
                "search": search,
                "supplier": profile,
                "reasons": match.reasons,
                "reservations": [f"{r.badge} (art. {r.article})" for r in profile.reservations],
                "url": base + profile.get_absolute_url(),
                "search_url": base + search.get_absolute_url(),
                "manage_url": base + reverse("purchasing:searches"),
                "unsubscribe_url": base
                + reverse("purchasing:search_unsubscribe", args=[unsubscribe_token(search)]),
            },
            [search.user.email],
        )
        sent += 1
    return sent
