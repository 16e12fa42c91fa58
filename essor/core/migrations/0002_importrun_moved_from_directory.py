"""ImportRun moves from the directory to core, next to the importer skeleton: the state
takes it over from directory_importrun, then the table is renamed. Runs already recorded
keep their reports. The directory's 0006 drops it from the directory's state."""

import django.db.models.deletion
import essor.core.importing
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0001_initial'),
        ('directory', '0005_membership_moved_from_accounts'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ImportRun',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('sirene', 'SIRENE (stocks INSEE)'), ('rna', 'RNA (associations)'), ('csv', 'Liste CSV de la CRESS')], max_length=10, verbose_name='type')),
                        ('status', models.CharField(choices=[('queued', "En file d'attente"), ('running', 'En cours'), ('succeeded', 'Terminé'), ('rejected', 'Refusé (fichier invalide)'), ('failed', 'Échec')], default='queued', max_length=10, verbose_name='état')),
                        ('dry_run', models.BooleanField(default=False, verbose_name="simulation (rien n'est écrit)")),
                        ('parameters', models.JSONField(default=dict, verbose_name='paramètres')),
                        ('report', models.JSONField(blank=True, default=dict, verbose_name='rapport')),
                        ('errors', models.JSONField(blank=True, default=list, verbose_name='erreurs')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='créé le')),
                        ('started_at', models.DateTimeField(blank=True, null=True, verbose_name='commencé le')),
                        ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='terminé le')),
                        ('launched_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'import',
                        'ordering': ['-created_at'],
                        'db_table': 'directory_importrun',
                    },
                ),
            ],
        ),
        migrations.AlterModelTable(name='importrun', table=None),
        migrations.AlterField(
            model_name='importrun',
            name='kind',
            field=models.CharField(choices=essor.core.importing.kind_choices, max_length=30, verbose_name='type'),
        ),
    ]
