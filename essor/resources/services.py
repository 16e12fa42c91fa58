"""What the resources section offers the other sections."""

from .models import Training


def trainings_for(*, audience="", departement=None, limit=3):
    """Published trainings for an audience (TrainingAudience value) held in or serving the
    département, soonest listed first by title."""
    trainings = Training.objects.published().select_related("departement", "region", "epci")
    if audience:
        trainings = trainings.for_audience(audience)
    if departement is not None:
        trainings = trainings.serving_departement(departement)
    return list(trainings.order_by("title", "pk")[:limit])
