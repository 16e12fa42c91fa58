"""Illustrative trainings for the demo instance (data/demo/trainings.json). They are not
real offers: each is flagged `is_illustrative` and shown with the « illustratif » badge.
Running the step twice changes nothing."""

from essor.core.demo import demo_step

from .models import Training
from .services import REPORT_SLUG, load_report_study

FIELDS = ("description", "audiences", "format", "duration", "cost", "is_free", "opco_fundable")


@demo_step("trainings.json", order=50)
def load_demo_trainings(data):
    """Returns how many trainings were created."""
    created = 0
    for record in data["records"]:
        training, was_created = Training.objects.get_or_create(
            title=record["title"],
            is_illustrative=True,
            defaults={
                **{name: record[name] for name in FIELDS},
                "organiser_name": data["organiser_name"],
                "is_published": True,
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
