import logging

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from .enums import ParcoursStatus
from .matching import Criteria
from .models import Parcours

logger = logging.getLogger(__name__)


@task()
def make_parcours_pdf(parcours_id):
    """Make a parcours' PDF, outside any request: WeasyPrint takes a second or so."""
    from .parcours import render_pdf

    parcours = Parcours.objects.filter(pk=parcours_id).first()
    if parcours is None:  # deleted meanwhile
        return
    try:
        pdf = render_pdf(
            parcours, Criteria.from_params(parcours.criteria), base_url=settings.ESSOR_BASE_URL
        )
    except Exception:
        logger.exception("Le PDF du parcours %s n'a pas pu être produit", parcours_id)
        Parcours.objects.filter(pk=parcours_id).update(status=ParcoursStatus.FAILED)
        raise
    Parcours.objects.filter(pk=parcours_id).update(
        pdf=pdf, pdf_generated_at=timezone.now(), status=ParcoursStatus.READY
    )
