import logging
from itertools import zip_longest

from django.conf import settings
from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.utils import timezone

from .enums import CHARGES, BudgetScope


def cerfa_rows(budget):
    """CERFA 12156 sets charges and products side by side: pairs of lines, row by row."""
    charges = [line for line in budget["lines"] if line["account"] in CHARGES]
    products = [line for line in budget["lines"] if line["account"] not in CHARGES]
    return list(zip_longest(charges, products))


def render_pdf(version, data=None):
    """The frozen version laid out like CERFA 12156, made with WeasyPrint; `data`: what
    the reader may see of it (services.snapshot_for), the whole snapshot by default."""
    data = version.snapshot if data is None else data
    # WeasyPrint logs each step at INFO from its import on: not for the worker's log.
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    from weasyprint import HTML  # imported here: only the worker needs Pango

    html = render_to_string(
        "financing/dossier_pdf.html",
        {
            "version": version,
            "data": data,
            "budgets": [(scope.label, data["budgets"][scope.value]) for scope in BudgetScope],
            "cerfa_budgets": [
                (
                    scope.label,
                    data["budgets"][scope.value],
                    cerfa_rows(data["budgets"][scope.value]),
                )
                for scope in BudgetScope
            ],
            "generated_at": timezone.now(),
        },
    )
    return ContentFile(HTML(string=html, base_url=settings.ESSOR_BASE_URL).write_pdf())
