"""Purchasing in the platform search (/recherche/): the published supplier profiles.
The sourcing page (/achats/fournisseurs/) matches its words through this kind too."""

from urllib.parse import urlencode

from django.urls import reverse

from essor.search.registry import Document, ModelKind

from .models import PurchaseNeed, SupplierProfile


class SupplierDocumentKind(ModelKind):
    name = "fournisseurs"
    label = "Fournisseurs responsables"
    singular, plural = "fournisseur", "fournisseurs"
    order = 35
    model = SupplierProfile
    version = "1"

    def published(self):
        return (
            SupplierProfile.objects.published()
            .select_related("organisation", "commune")
            .prefetch_related("categories", "categories__parent", "organisation__labels")
        )

    def document(self, profile):
        organisation = profile.organisation
        categories = list(profile.categories.all())
        return Document(
            key=profile.pk,
            title=organisation.name,
            keywords=" ".join(
                [
                    organisation.acronym,
                    *[c.name for c in categories],
                    *{c.parent.name for c in categories if c.parent_id},
                    *[str(k.label) for k in profile.kinds],
                    *[label.name for label in organisation.labels.all()],
                    *[r.badge for r in profile.reservations],
                ]
            ),
            body=f"{profile.summary}\n\n{profile.description}\n\n{profile.certifications}",
            url=profile.get_absolute_url(),
            summary=profile.summary,
            context=" · ".join(c.name for c in categories[:3]),
            territory=profile.commune.label if profile.commune else "",
        )

    def search_url(self, query):
        return reverse("purchasing:sourcing") + "?" + urlencode({"q": query})


class NeedDocumentKind(ModelKind):
    """The public needs open to answers (what the open API lists too)."""

    name = "besoins-achat"
    label = "Besoins d'achat"
    singular, plural = "besoin d'achat", "besoins d'achat"
    order = 36
    model = PurchaseNeed
    version = "1"

    def published(self):
        return PurchaseNeed.objects.public_open().select_related("buyer", "category", "commune")

    def document(self, need):
        return Document(
            key=need.pk,
            title=need.title,
            keywords=f"{need.buyer.name} {need.category.name} {need.get_kind_display()}",
            body=need.description,
            url=need.get_absolute_url(),
            context=f"{need.buyer.name} · réponses jusqu'au {need.answers_deadline:%d/%m/%Y}",
            territory=need.commune.label,
        )

    def search_url(self, query):
        return None
