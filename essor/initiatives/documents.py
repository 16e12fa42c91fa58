"""The initiatives in the platform search (/recherche/): the published ones."""

from urllib.parse import urlencode

from django.urls import reverse

from essor.search.registry import Document, ModelKind

from .models import Initiative


class InitiativeKind(ModelKind):
    name = "initiatives"
    label = "Initiatives"
    singular, plural = "initiative", "initiatives"
    order = 40
    model = Initiative
    version = "1"

    def published(self):
        return Initiative.objects.published().for_listing()

    def document(self, initiative):
        carriers = initiative.carrier_names
        partners = [c.organisation.display_name for c in initiative.partner_links]
        return Document(
            key=initiative.pk,
            title=initiative.title,
            keywords=" ".join(
                [
                    *carriers,
                    *partners,
                    initiative.get_axis_display(),
                    *(theme.label for theme in initiative.themes),
                ]
            ),
            summary=initiative.summary,
            body=f"{initiative.body}\n\n{initiative.impact}",
            url=initiative.get_absolute_url(),
            context=" · ".join(carriers[:2]),
            territory=initiative.territory_label,
        )

    def search_url(self, query):
        return reverse("initiatives:index") + "?" + urlencode({"q": query})
