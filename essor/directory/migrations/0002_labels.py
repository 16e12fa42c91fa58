"""Reference labels and agréments: the official statuses a directory listing can carry.

The list is written out here rather than imported from the app, so that this migration
keeps working whatever the app's code becomes."""

from django.db import migrations

# (code, name, kind, description). Legal references: Code du travail (CT) and Code de
# l'action sociale et des familles (CASF).
LABELS = [
    (
        "aci",
        "Atelier et chantier d'insertion",
        "siae",
        "Structure d'insertion par l'activité économique portée par un organisme à but non "
        "lucratif, qui embauche des personnes sans emploi rencontrant des difficultés "
        "sociales et professionnelles particulières (CT, art. L5132-15).",
    ),
    (
        "ai",
        "Association intermédiaire",
        "siae",
        "Association conventionnée par l'État qui met des personnes en difficulté à "
        "disposition de particuliers, d'associations, d'entreprises ou de collectivités "
        "(CT, art. L5132-7).",
    ),
    (
        "ei",
        "Entreprise d'insertion",
        "siae",
        "Entreprise conventionnée par l'État qui produit des biens ou des services en "
        "vue de l'insertion de ses salariés (CT, art. L5132-5).",
    ),
    (
        "etti",
        "Entreprise de travail temporaire d'insertion",
        "siae",
        "Entreprise de travail temporaire dont l'activité exclusive est l'insertion "
        "professionnelle de personnes en difficulté (CT, art. L5132-6).",
    ),
    (
        "eiti",
        "Entreprise d'insertion par le travail indépendant",
        "siae",
        "Structure d'insertion qui accompagne des personnes vers une activité "
        "professionnelle indépendante, créée à titre expérimental par la loi n° 2018-771 "
        "du 5 septembre 2018.",
    ),
    (
        "ea",
        "Entreprise adaptée",
        "disability",
        "Entreprise du milieu ordinaire de travail qui emploie une proportion minimale de "
        "travailleurs handicapés fixée par décret (CT, art. L5213-13 et suivants).",
    ),
    (
        "esat",
        "Établissement et service d'aide par le travail",
        "disability",
        "Établissement médico-social qui offre une activité professionnelle et un "
        "soutien médico-social et éducatif à des personnes handicapées (CASF, art. L344-2).",
    ),
    (
        "geiq",
        "Groupement d'employeurs pour l'insertion et la qualification",
        "label",
        "Groupement d'employeurs (CT, art. L1253-1) qui organise des parcours "
        "d'insertion et de qualification au profit de personnes éloignées de l'emploi.",
    ),
    (
        "esus",
        "Agrément ESUS",
        "agrement",
        "Agrément « entreprise solidaire d'utilité sociale » délivré par l'État "
        "(loi n° 2014-856 du 31 juillet 2014, art. 11 ; CT, art. L3332-17-1).",
    ),
]


def create_labels(apps, schema_editor):
    Label = apps.get_model("directory", "Label")
    for code, name, kind, description in LABELS:
        Label.objects.update_or_create(
            code=code, defaults={"name": name, "kind": kind, "description": description}
        )


def delete_labels(apps, schema_editor):
    Label = apps.get_model("directory", "Label")
    Label.objects.filter(code__in=[code for code, *_ in LABELS]).delete()


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]

    operations = [migrations.RunPython(create_labels, delete_labels)]
