"""Participants' offers and needs move from the agenda's own list of twelve categories to
the purchase categories of essor/purchasing (its shipped tree, stable codes): each old
code becomes the nearest purchase category, codes already moved are left alone."""

from django.db import migrations

OLD_TO_PURCHASE = {
    "restauration": "traiteur",
    "batiment": "second-oeuvre",
    "espaces_verts": "entretien-espaces-verts",
    "nettoyage": "nettoyage-locaux",
    "impression": "impression-reprographie",
    "numerique": "developpement-web",
    "formation": "formation",
    "logistique": "conditionnement-logistique",
    "recyclage": "collecte-dechets",
    "textile": "blanchisserie",
    "evenementiel": "organisation-evenements",
    "services_personne": "aide-domicile",
}
PURCHASE_TO_OLD = {new: old for old, new in OLD_TO_PURCHASE.items()}


def _convert(apps, mapping):
    Participant = apps.get_model("events", "Participant")
    for participant in Participant.objects.all().iterator():
        offers = list(dict.fromkeys(mapping.get(c, c) for c in participant.offers))
        needs = list(dict.fromkeys(mapping.get(c, c) for c in participant.needs))
        if offers != participant.offers or needs != participant.needs:
            participant.offers, participant.needs = offers, needs
            participant.save(update_fields=["offers", "needs"])


def forwards(apps, schema_editor):
    _convert(apps, OLD_TO_PURCHASE)


def backwards(apps, schema_editor):
    _convert(apps, PURCHASE_TO_OLD)


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0002_business_meetings"),
        ("purchasing", "0002_categories"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
