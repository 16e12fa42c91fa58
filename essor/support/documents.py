"""The support offers in the platform search (/recherche/): the published ones."""

from essor.search.registry import Document, ModelKind

from .models import SupportOffer


class OfferKind(ModelKind):
    name = "offres"
    label = "Offres d'accompagnement"
    singular, plural = "offre d'accompagnement", "offres d'accompagnement"
    order = 20
    model = SupportOffer
    version = "1"

    def published(self):
        return SupportOffer.objects.published().select_related("provider")

    def document(self, offer):
        provider = offer.provider
        return Document(
            key=offer.pk,
            title=offer.title,
            keywords=" ".join(
                [
                    provider.name,
                    provider.acronym,
                    offer.get_provider_kind_display(),
                    *offer.help_kind_labels,
                    *offer.audience_labels,
                    *offer.legal_form_labels,
                    *offer.phase_labels,
                ]
            ),
            body=f"{offer.description}\n\n{offer.how_to_ask}",
            url=offer.get_absolute_url(),
            context=f"{provider.display_name} · {offer.get_provider_kind_display()}",
            territory=offer.territory_summary,
        )
