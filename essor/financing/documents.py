"""The financing tools in the platform search (/recherche/): the published ones."""

from urllib.parse import urlencode

from django.urls import reverse

from essor.search.registry import Document, ModelKind

from .models import FinancingTool


class ToolKind(ModelKind):
    name = "financements"
    label = "Financements"
    singular, plural = "outil de financement", "outils de financement"
    order = 30
    model = FinancingTool
    version = "1"

    def published(self):
        return FinancingTool.objects.published().prefetch_related("funders", "areas")

    def document(self, tool):
        funders = [funder.display_name for funder in tool.funders.all()]
        kind = tool.get_instrument_display()
        if tool.call_kind != "permanent":
            kind += f" · {tool.get_call_kind_display()}"
        return Document(
            key=tool.pk,
            title=tool.title,
            keywords=" ".join(
                [
                    *funders,
                    tool.get_instrument_display(),
                    tool.get_call_kind_display(),
                    tool.programme,
                    tool.themes,
                    *tool.beneficiary_labels,
                    *tool.need_labels,
                ]
            ),
            summary=tool.summary,
            body=tool.description,
            url=tool.get_absolute_url(),
            context=" · ".join([kind, *funders[:2]]),
            territory=" ; ".join(area.label for area in tool.areas.all()),
        )

    def search_url(self, query):
        return reverse("financing:index") + "?" + urlencode({"q": query})
