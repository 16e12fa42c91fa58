"""The funders' CSV of the requests they received (essor.core.exports: large ones are
prepared in the background)."""

from django.utils import timezone

from essor.core.exports import Exporter, register_exporter

from .models import FundingRequest
from .perms import funder_organisations


def _euros(amount):
    # A French spreadsheet reads a decimal comma.
    return "" if amount is None else str(amount).replace(".", ",")


@register_exporter
class RequestsExport(Exporter):
    name = "financing-requests"
    filename = "demandes-de-financement.csv"
    header = ["financeur", "structure", "SIREN", "projet", "outil", "reçue le", "état",
              "montant demandé", "montant accordé"]  # fmt: skip

    def queryset(self, params, user):
        # The funders the person instructs for when the file is written, not when asked.
        return (
            FundingRequest.objects.for_funders(funder_organisations(user))
            .select_related("dossier__organisation", "funder", "tool")
            .order_by("created_at", "pk")
        )

    def row(self, item):
        return [
            item.funder.name,
            item.dossier.organisation.name,
            item.dossier.organisation.siren or "",
            item.dossier.title,
            item.tool.title if item.tool else "",
            timezone.localtime(item.created_at).strftime("%d/%m/%Y"),
            item.get_status_display(),
            _euros(item.amount_asked),
            _euros(item.amount_granted),
        ]
