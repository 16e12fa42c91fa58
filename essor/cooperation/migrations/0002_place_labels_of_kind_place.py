"""The labels of the places of the ESS (« lieu-<kind> », written by places.place_label)
become labels of kind « place », named after their kind: the directory's « Lieux de
l'ESS » facet, apart from the labels proper."""

from django.db import migrations

# PlaceKind's labels, capitalised, as they stood when this migration was written.
NAMES = {
    "tiers-lieu": "Tiers-lieu",
    "maison-ess": "Maison de l'ESS",
    "pepiniere": "Pépinière d'entreprises",
    "couveuse": "Couveuse",
    "fablab": "Fablab",
    "recyclerie": "Recyclerie, ressourcerie",
    "coworking": "Espace de coworking",
    "ptce": "Pôle territorial de coopération économique (PTCE)",
}


def forwards(apps, schema_editor):
    Label = apps.get_model("directory", "Label")
    for kind, name in NAMES.items():
        Label.objects.filter(code=f"lieu-{kind}").update(kind="place", name=name)


def backwards(apps, schema_editor):
    Label = apps.get_model("directory", "Label")
    for kind, name in NAMES.items():
        Label.objects.filter(code=f"lieu-{kind}").update(
            kind="label", name="Lieu de l'ESS : " + name[:1].lower() + name[1:]
        )


class Migration(migrations.Migration):
    dependencies = [
        ("cooperation", "0001_initial"),
        ("directory", "0009_label_kind_place"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
