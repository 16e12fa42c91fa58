"""Claims and suggestions move onto the shared workflow (essor.core.workflow): the refusal
reason becomes the Decision's decision_comment, a claim can be revoked (and remembers the
role it replaced), and claims get a history, filled here from what the rows already say."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def fill_claim_history(apps, schema_editor):
    Claim = apps.get_model("directory", "Claim")
    ClaimTransition = apps.get_model("directory", "ClaimTransition")
    entries = []
    for claim in Claim.objects.iterator():
        if claim.automatic:
            entries.append(
                ClaimTransition(
                    claim=claim,
                    transition="automatic",
                    from_status="",
                    to_status="approved",
                    actor_id=claim.user_id,
                    created_at=claim.created_at,
                )
            )
            continue
        entries.append(
            ClaimTransition(
                claim=claim,
                transition="claim",
                from_status="",
                to_status="pending",
                actor_id=claim.user_id,
                comment=claim.message,
                created_at=claim.created_at,
            )
        )
        if claim.status in ("approved", "rejected"):
            entries.append(
                ClaimTransition(
                    claim=claim,
                    transition="approve" if claim.status == "approved" else "reject",
                    from_status="pending",
                    to_status=claim.status,
                    actor_id=claim.decided_by_id,
                    comment=claim.decision_comment,
                    created_at=claim.decided_at or claim.created_at,
                )
            )
    ClaimTransition.objects.bulk_create(entries, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0005_membership_moved_from_accounts"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField("claim", "reason", "decision_comment"),
        migrations.RenameField("editsuggestion", "reason", "decision_comment"),
        migrations.AlterField(
            model_name="claim",
            name="decision_comment",
            field=models.TextField(blank=True, verbose_name="motif de la décision"),
        ),
        migrations.AlterField(
            model_name="editsuggestion",
            name="decision_comment",
            field=models.TextField(blank=True, verbose_name="motif de la décision"),
        ),
        migrations.AddField(
            model_name="claim",
            name="previous_role",
            field=models.CharField(
                blank=True,
                choices=[("member", "Membre"), ("admin", "Administrateur")],
                max_length=10,
                verbose_name="rôle avant la demande",
            ),
        ),
        migrations.AlterField(
            model_name="claim",
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
        migrations.AlterField(
            model_name="claim",
            name="status",
            field=models.CharField(
                choices=[
                    ("pending", "En attente de validation"),
                    ("approved", "Validée"),
                    ("rejected", "Refusée"),
                    ("revoked", "Annulée après validation"),
                ],
                default="pending",
                max_length=10,
                verbose_name="état",
            ),
        ),
        migrations.AlterField(
            model_name="editsuggestion",
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
            name="ClaimTransition",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("transition", models.CharField(max_length=30, verbose_name="action")),
                (
                    "from_status",
                    models.CharField(blank=True, max_length=30, verbose_name="état avant"),
                ),
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
                (
                    "claim",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="transitions",
                        to="directory.claim",
                    ),
                ),
            ],
            options={
                "verbose_name": "étape d'une revendication",
                "verbose_name_plural": "historique des revendications",
                "ordering": ["created_at", "pk"],
                "abstract": False,
            },
        ),
        migrations.RunPython(fill_claim_history, migrations.RunPython.noop),
    ]
