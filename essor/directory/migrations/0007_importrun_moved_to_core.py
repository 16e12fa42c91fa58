"""ImportRun now lives in core (see core 0002, which renamed its table): only the
directory's state forgets it."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('directory', '0006_claims_and_suggestions_on_the_shared_workflow'),
        ('core', '0002_importrun_moved_from_directory'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='ImportRun')],
        ),
    ]
