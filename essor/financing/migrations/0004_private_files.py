"""Vault documents and dossier PDFs leave the public media folder (issue 12.3): the fields
become private and the files already stored move to PRIVATE_ROOT under random names."""

from django.db import migrations

import essor.core.storage


def move_files(apps, schema_editor):
    from essor.core.storage import move_to_private

    move_to_private(
        apps.get_model("financing", "OrganisationDocument"), "file", "financing/documents"
    )
    move_to_private(apps.get_model("financing", "DossierVersion"), "pdf", "financing/dossiers")


class Migration(migrations.Migration):
    dependencies = [
        ("financing", "0003_shared_phases"),
    ]

    operations = [
        migrations.AlterField(
            model_name="dossierversion",
            name="pdf",
            field=essor.core.storage.PrivateFileField(
                blank=True,
                storage=essor.core.storage._private_storage,
                upload_to=essor.core.storage.RandomName("financing/dossiers"),
            ),
        ),
        migrations.AlterField(
            model_name="organisationdocument",
            name="file",
            field=essor.core.storage.PrivateFileField(
                storage=essor.core.storage._private_storage,
                upload_to=essor.core.storage.RandomName("financing/documents"),
                verbose_name="fichier",
            ),
        ),
        # Backwards, the files stay private: nothing to undo that would be safe.
        migrations.RunPython(move_files, migrations.RunPython.noop),
    ]
