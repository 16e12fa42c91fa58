"""Labels of kind « place »: the places of the ESS (tiers-lieux, PTCE, recycleries…), the
directory search's « Lieux de l'ESS » facet, apart from the labels proper.

The in-memory facet index reads each label's kind: a change of kind must move the
search index's generation. PostgreSQL's trigger on directory_label already bumps it on
every update (0003, essor_search_label_renamed); SQLite's fires on a new name only, so
a second one bumps it on a new kind."""

from django.db import migrations, models

SQLITE_KIND_TRIGGER = """
CREATE TRIGGER directory_search_label_au_kind AFTER UPDATE OF kind ON directory_label
WHEN OLD.kind IS NOT NEW.kind
BEGIN UPDATE directory_search_state SET generation = generation + 1 WHERE id = 1; END
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_KIND_TRIGGER)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS directory_search_label_au_kind")


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0008_structural_checks"),
    ]

    operations = [
        migrations.AlterField(
            model_name="label",
            name="kind",
            field=models.CharField(
                choices=[
                    ("siae", "Insertion par l'activité économique (SIAE)"),
                    ("disability", "Travail adapté et protégé"),
                    ("agrement", "Agrément"),
                    ("label", "Label"),
                    ("network", "Réseau"),
                    ("place", "Lieu de l'ESS"),
                ],
                max_length=20,
                verbose_name="nature",
            ),
        ),
        migrations.RunPython(create_trigger, drop_trigger),
    ]
