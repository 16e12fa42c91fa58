"""The demo's trainings (data/demo/trainings.json) are the real ones the 2016 report names,
with what it says of them; what it does not say (format, duration, cost, dates) stays
blank, shown « non précisé ». They replace the fictitious trainings of earlier demos
(flagged `is_illustrative`), removed here. Running the step twice changes nothing."""

from essor.core.demo import demo_step
from essor.territories.models import Departement

from .enums import PublicationStatus
from .models import Training
from .services import REPORT_SLUG, load_report_study

FIELDS = ("description", "audiences", "theme", "places", "opco_fundable")


@demo_step("trainings.json", order=50)
def load_demo_trainings(data):
    """Returns how many trainings were created."""
    Training.objects.filter(is_illustrative=True).delete()
    created = 0
    for record in data["records"]:
        code = record.get("departement") or ""
        departement = Departement.objects.filter(code=code).first() if code else None
        training, was_created = Training.objects.get_or_create(
            title=record["title"],
            organiser_name=record["organiser_name"],
            defaults={
                **{name: record[name] for name in FIELDS},
                "departement": departement,
                "status": PublicationStatus.PUBLISHED,
            },
        )
        if was_created:
            training.refresh_search_text()
            training.save(update_fields=["search_text"])
            created += 1
    return created


@demo_step("studies.json", order=51)
def load_demo_studies(data):
    """Completes the 2016 report's record (region, authors from the directory). Returns
    how many records were created (0: the migration made it)."""
    created = 0
    for record in data["records"]:
        if record["slug"] == REPORT_SLUG:
            created += load_report_study()[1]
    return created
