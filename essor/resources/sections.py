"""The resources section on other apps' pages (essor/core/page_sections.py): an
organisation's published trainings."""

from .models import Training

SHOWN = 6


def organisation_trainings(request, organisation):
    trainings = list(
        Training.objects.published()
        .filter(organiser=organisation)
        .select_related("organiser", "region", "departement", "epci")
        .order_by("next_session", "title")[:SHOWN]
    )
    return {"organisation_trainings": trainings} if trainings else None
