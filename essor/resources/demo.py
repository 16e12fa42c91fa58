"""The demo's trainings (data/demo/trainings.json) are the real ones the 2016 report names,
with what it says of them; what it does not say (format, duration, cost, dates) stays
blank, shown « non précisé ». They replace the fictitious trainings of earlier demos
(flagged `is_illustrative`), removed here. Running the step twice changes nothing."""

from essor.core.demo import demo_step
from essor.territories.models import Departement

from .enums import PublicationStatus
from .models import AuthoredGuide, Training
from .services import REPORT_SLUG, guide_link_choices, guide_save, load_report_study

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


@demo_step("guides.json", order=52)
def load_demo_guides(data):
    """A guide the support actor's demo account wrote and submitted: the CRESS account
    finds it in its queue to publish or send back. Returns how many guides were created."""
    from django.contrib.auth import get_user_model

    from essor.directory.models import Organisation

    created = 0
    choices = guide_link_choices()
    for record in data["records"]:
        author = get_user_model().objects.filter(email=record["author"]).first()
        organisation = Organisation.objects.filter(name=record["organisation"]).first()
        exists = AuthoredGuide.objects.filter(versions__title=record["title"]).exists()
        if author is None or organisation is None or exists:
            continue
        links = [
            (kind, path, label)
            for kind in record["link_kinds"]
            for path, label in choices[kind][:3]
        ]
        guide_save(
            author=author, organisation=organisation, title=record["title"],
            summary=record["summary"], body=record["body"], links=links, submit=True,
        )  # fmt: skip
        created += 1
    return created
