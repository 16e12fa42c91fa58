"""A process's workshops become events of the agenda (essor/events): each workshop row is
copied to an event of kind « atelier » linked to its process, with its registrations, and
the consultation's own Workshop and Registration models are removed.

What a workshop did not say, an event needs:
- an organiser: the first CRESS organisation of the directory (else the first organisation);
- a commune: the first one named in the workshop's place (« Limoges (…) »), else the
  organiser's head office, else the most populous commune of the platform's région. The
  place's text is kept whole as the event's address and the guess is written in the
  event's provenance, so that the team can correct it;
- an end: three hours after the start.
Registrations are confirmed in their order up to the capacity, the others wait."""

import datetime
import re

from django.conf import settings
import django.db.models.deletion
from django.db import migrations, models
from django.utils.text import slugify

from essor.core.text import fold

SEPARATORS = re.compile(r"[,;()/—–]| - | et ")


def _organiser(Organisation):
    found = Organisation.objects.filter(name__startswith="CRESS").order_by("pk").first()
    found = found or Organisation.objects.order_by("pk").first()
    if found is None:
        raise RuntimeError(
            "Des ateliers existent mais l'annuaire est vide : chargez au moins une structure "
            "(la CRESS) avant cette migration, qui en fait l'organisatrice des ateliers."
        )
    return found


def _commune(Commune, Establishment, place, organiser):
    for piece in SEPARATORS.split(place):
        name = fold(piece).strip()
        if len(name) >= 2:
            commune = Commune.objects.filter(search_name=name).order_by("-population").first()
            if commune is not None:
                return commune, ""
    head = (
        Establishment.objects.filter(organisation=organiser, commune__isnull=False)
        .order_by("-is_head_office", "pk")
        .first()
    )
    if head is not None:
        return head.commune, " ; commune déduite du siège de l'organisatrice"
    commune = (
        Commune.objects.filter(region_id=settings.ESSOR_REGION).order_by("-population").first()
        or Commune.objects.order_by("-population").first()
    )
    if commune is None:
        raise RuntimeError(
            "Des ateliers existent mais la géographie n'est pas chargée : lancez "
            "`essor load_territories` avant cette migration."
        )
    return commune, " ; commune par défaut (la plus peuplée de la région)"


def _slug(Event, title, start):
    base = slugify(f"{title} {start:%Y-%m-%d}")[:200] or "atelier"
    slug, n = base, 2
    while Event.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def workshops_to_events(apps, schema_editor):
    Workshop = apps.get_model("consultation", "Workshop")
    Registration = apps.get_model("consultation", "Registration")
    Event = apps.get_model("events", "Event")
    EventRegistration = apps.get_model("events", "Registration")
    Organisation = apps.get_model("directory", "Organisation")
    Establishment = apps.get_model("directory", "Establishment")
    Commune = apps.get_model("territories", "Commune")
    workshops = list(Workshop.objects.select_related("process").order_by("pk"))
    if not workshops:
        return
    organiser = _organiser(Organisation)
    for workshop in workshops:
        process = workshop.process
        commune, guess = _commune(Commune, Establishment, workshop.place, organiser)
        event = Event.objects.create(
            title=workshop.title,
            slug=_slug(Event, workshop.title, workshop.starts_at),
            kind="atelier",
            status="published" if process.status == "published" else "pending",
            organiser=organiser,
            description=workshop.description,
            minutes=workshop.minutes,
            starts_at=workshop.starts_at,
            ends_at=workshop.starts_at + datetime.timedelta(hours=3),
            commune=commune,
            address=workshop.place[:300],
            capacity=workshop.capacity or None,
            is_demo=workshop.is_demo,
            provenance=(
                f"atelier de la concertation « {process.title} » ; lieu : « {workshop.place} »{guess}"
            )[:300],
        )
        process.workshops.add(event)
        for n, registration in enumerate(
            Registration.objects.filter(workshop=workshop).order_by("created_at", "pk")
        ):
            waiting = workshop.capacity is not None and n >= workshop.capacity
            EventRegistration.objects.create(
                event=event,
                user_id=registration.user_id,
                status="waiting" if waiting else "confirmed",
                created_at=registration.created_at,
            )


class Migration(migrations.Migration):
    dependencies = [
        ("consultation", "0004_proposals_workshops_follows"),
        ("events", "0004_event_minutes"),
    ]

    operations = [
        # The old rows' reverse name gives way to the new relation while both exist.
        migrations.AlterField(
            model_name="workshop",
            name="process",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="old_workshops",
                to="consultation.process",
            ),
        ),
        migrations.AddField(
            model_name="process",
            name="workshops",
            field=models.ManyToManyField(
                blank=True,
                related_name="consultation_processes",
                to="events.event",
                verbose_name="ateliers",
            ),
        ),
        # Going back leaves the events in the agenda; the old tables come back empty.
        migrations.RunPython(workshops_to_events, migrations.RunPython.noop),
        migrations.DeleteModel(name="Registration"),
        migrations.DeleteModel(name="Workshop"),
    ]
