"""Initiatives and their reports move onto the shared workflow (essor.core.workflow): the
history becomes a TransitionLog (same columns, no copy), and a report's handled_by,
handled_at and resolution become the Decision's decided_by, decided_at and
decision_comment (renamed: the rows keep their values)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("initiatives", "0002_report_initiatives"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField("contentreport", "handled_at", "decided_at"),
        migrations.RenameField("contentreport", "handled_by", "decided_by"),
        migrations.RenameField("contentreport", "resolution", "decision_comment"),
        migrations.AlterField(
            model_name="contentreport",
            name="decided_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="décidée le"),
        ),
        migrations.AlterField(
            model_name="contentreport",
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
            model_name="contentreport",
            name="decision_comment",
            field=models.TextField(blank=True, verbose_name="motif de la décision"),
        ),
        migrations.AlterField(
            model_name="initiativetransition",
            name="created_at",
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name="le"),
        ),
        migrations.AlterField(
            model_name="initiativetransition",
            name="from_status",
            field=models.CharField(blank=True, max_length=30, verbose_name="état avant"),
        ),
        migrations.AlterField(
            model_name="initiativetransition",
            name="to_status",
            field=models.CharField(max_length=30, verbose_name="état après"),
        ),
        migrations.AlterField(
            model_name="initiativetransition",
            name="transition",
            field=models.CharField(max_length=30, verbose_name="action"),
        ),
    ]
