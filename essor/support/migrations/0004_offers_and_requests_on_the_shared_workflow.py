"""Support offers and requests move onto the shared workflow (essor.core.workflow): the
offer's refusal reason becomes the Decision's decision_comment, and the OfferEvent and
RequestEvent rows are copied, one for one, into the TransitionLog tables."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

DECISIONS = {"published": "publish", "rejected": "reject", "archived": "archive"}
REQUEST_STEPS = {"in_progress": "take_charge", "redirected": "redirect", "closed": "close"}


def offer_step(event):
    """The step an old offer event was: creation, edit (possibly sending a refused or
    archived offer back to moderation) or a decision."""
    if not event.from_status or event.note == "Création":
        return "create", ""
    if event.note == "Modification":
        return ("edit" if event.from_status == event.to_status else "resubmit"), ""
    comment = "" if event.note == "Archivée" else event.note
    return DECISIONS.get(event.to_status, "edit"), comment


def copy_history(apps, schema_editor):
    OfferEvent = apps.get_model("support", "OfferEvent")
    OfferTransition = apps.get_model("support", "OfferTransition")
    SupportOffer = apps.get_model("support", "SupportOffer")
    RequestEvent = apps.get_model("support", "RequestEvent")
    SupportRequestTransition = apps.get_model("support", "SupportRequestTransition")
    entries, last_decision = [], {}
    for event in OfferEvent.objects.order_by("created_at", "pk").iterator():
        step, comment = offer_step(event)
        entries.append(
            OfferTransition(
                offer_id=event.offer_id,
                transition=step,
                from_status=event.from_status,
                to_status=event.to_status,
                actor_id=event.author_id,
                comment=comment,
                created_at=event.created_at,
            )
        )
        if step in DECISIONS.values():
            last_decision[event.offer_id] = event
    OfferTransition.objects.bulk_create(entries, batch_size=1000)
    for offer_id, event in last_decision.items():
        SupportOffer.objects.filter(pk=offer_id).update(
            decided_by_id=event.author_id, decided_at=event.created_at
        )
    SupportRequestTransition.objects.bulk_create(
        (
            SupportRequestTransition(
                request_id=event.request_id,
                transition="send"
                if not event.from_status
                else REQUEST_STEPS.get(event.to_status, event.to_status),
                from_status=event.from_status,
                to_status=event.to_status,
                actor_id=event.author_id,
                comment=event.note,
                created_at=event.created_at,
            )
            for event in RequestEvent.objects.order_by("created_at", "pk").iterator()
        ),
        batch_size=1000,
    )


def log_fields():
    return [
        (
            "id",
            models.BigAutoField(
                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
            ),
        ),
        ("transition", models.CharField(max_length=30, verbose_name="action")),
        ("from_status", models.CharField(blank=True, max_length=30, verbose_name="état avant")),
        ("to_status", models.CharField(max_length=30, verbose_name="état après")),
        ("comment", models.TextField(blank=True, verbose_name="commentaire")),
        (
            "created_at",
            models.DateTimeField(default=django.utils.timezone.now, verbose_name="le"),
        ),
        (
            "actor",
            models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="par",
            ),
        ),
    ]


class Migration(migrations.Migration):
    dependencies = [
        ("support", "0003_supportoffer_is_ended"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField("supportoffer", "rejection_reason", "decision_comment"),
        migrations.AlterField(
            model_name="supportoffer",
            name="decision_comment",
            field=models.TextField(blank=True, verbose_name="motif de la décision"),
        ),
        migrations.AddField(
            model_name="supportoffer",
            name="decided_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="décidée le"),
        ),
        migrations.AddField(
            model_name="supportoffer",
            name="decided_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="décidée par",
            ),
        ),
        migrations.CreateModel(
            name="OfferTransition",
            fields=[
                *log_fields(),
                (
                    "offer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="transitions",
                        to="support.supportoffer",
                    ),
                ),
            ],
            options={
                "verbose_name": "étape d'une offre",
                "verbose_name_plural": "historique des offres",
                "ordering": ["created_at", "pk"],
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="SupportRequestTransition",
            fields=[
                *log_fields(),
                (
                    "request",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="transitions",
                        to="support.supportrequest",
                    ),
                ),
            ],
            options={
                "verbose_name": "étape d'une demande",
                "verbose_name_plural": "historique des demandes",
                "ordering": ["created_at", "pk"],
                "abstract": False,
            },
        ),
        migrations.RunPython(copy_history, migrations.RunPython.noop),
        migrations.DeleteModel(name="OfferEvent"),
        migrations.DeleteModel(name="RequestEvent"),
    ]
