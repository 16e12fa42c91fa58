"""Open offers and needs in the platform search (/recherche/)."""

from urllib.parse import urlencode

from django.urls import reverse

from essor.search.registry import Document, ModelKind

from .enums import Kind
from .models import EssPlace, Listing

# Words people type for a kind that its labels do not hold.
KIND_WORDS = {
    Kind.PREMISES: "local salle bureau tiers-lieu",
    Kind.SKILLS: "mécénat de compétences pro bono bénévolat de compétences",
    Kind.SHARED_JOB: "groupement d'employeurs GE temps partagé",
    Kind.PURCHASE: "centrale d'achat achats mutualisés",
    Kind.PARTNERS: "coopération PTCE consortium rapprochement fusion",
    Kind.MENTORING: "parrainage mentor",
    Kind.EQUIPMENT: "mutualisation de matériel",
}


class ListingKind(ModelKind):
    name = "cooperation"
    label = "Coopération"
    singular, plural = "offre ou besoin de coopération", "offres et besoins de coopération"
    order = 70
    model = Listing
    version = "1"

    def published(self):
        return Listing.objects.active().select_related("organisation", "commune")

    def document(self, listing):
        return Document(
            key=listing.pk,
            title=f"{listing.get_direction_display()} : {listing.title}",
            keywords=" ".join(
                [
                    listing.organisation.name,
                    listing.get_kind_display(),
                    listing.category_label,
                    KIND_WORDS.get(listing.kind, ""),
                    " ".join(str(v) for _, v in listing.detail_items()),
                ]
            ),
            body=listing.description,
            url=listing.get_absolute_url(),
            summary=f"{listing.get_kind_display()} · {listing.category_label}",
            context=listing.organisation.name,
            territory=listing.territory_label,
        )

    def search_url(self, query):
        return reverse("cooperation:index") + "?" + urlencode({"q": query})


class PlaceDocumentKind(ModelKind):
    """The places of the ESS: « tiers-lieu », « coworking », « PTCE » find them."""

    name = "lieux-ess"
    label = "Lieux de l'ESS"
    singular, plural = "lieu de l'ESS", "lieux de l'ESS"
    order = 71
    model = EssPlace
    version = "1"

    def published(self):
        return EssPlace.objects.select_related("commune", "organisation")

    def document(self, place):
        return Document(
            key=place.pk,
            title=place.name,
            keywords=" ".join(
                [
                    place.get_kind_display(),
                    place.kind,
                    PLACE_WORDS.get(place.kind, ""),
                    place.organisation.name,
                ]
            ),
            body="\n\n".join(
                filter(None, [place.description, place.report_quote, " ".join(place.services)])
            ),
            url=place.get_absolute_url(),
            summary=place.get_kind_display(),
            context=place.organisation.name,
            territory=place.commune.name if place.commune else "",
        )

    def search_url(self, query):
        return reverse("cooperation:places")


PLACE_WORDS = {
    "tiers-lieu": "tiers-lieu tiers lieux espace de travail partagé",
    "coworking": "coworking espace de travail partagé",
    "maison-ess": "maison de l'ESS",
    "ptce": "PTCE pôle territorial de coopération économique",
    "recyclerie": "recyclerie ressourcerie",
}
