"""The instruction of funding requests moves onto the shared workflow (essor.core.workflow):
RequestEvent becomes FundingRequestTransition, a TransitionLog. The table is renamed and
its columns altered in place, so every row of the history is kept; `user` becomes `actor`."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("financing", "0004_private_files"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameModel("RequestEvent", "FundingRequestTransition"),
        migrations.RenameField("fundingrequesttransition", "user", "actor"),
        migrations.AlterModelOptions(
            name="fundingrequesttransition",
            options={
                "ordering": ["created_at", "pk"],
                "verbose_name": "étape d'instruction",
                "verbose_name_plural": "historique de l'instruction",
            },
        ),
        migrations.AlterField(
            model_name="fundingrequesttransition",
            name="actor",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="par",
            ),
        ),
        migrations.AlterField(
            model_name="fundingrequesttransition",
            name="request",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="transitions",
                to="financing.fundingrequest",
            ),
        ),
        migrations.AlterField(
            model_name="fundingrequesttransition",
            name="transition",
            field=models.CharField(max_length=30, verbose_name="action"),
        ),
        migrations.AlterField(
            model_name="fundingrequesttransition",
            name="from_status",
            field=models.CharField(blank=True, max_length=30, verbose_name="état avant"),
        ),
        migrations.AlterField(
            model_name="fundingrequesttransition",
            name="to_status",
            field=models.CharField(max_length=30, verbose_name="état après"),
        ),
        migrations.AlterField(
            model_name="fundingrequesttransition",
            name="comment",
            field=models.TextField(blank=True, verbose_name="commentaire"),
        ),
        migrations.AlterField(
            model_name="fundingrequesttransition",
            name="created_at",
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name="le"),
        ),
    ]
