"""The resource centre in the platform search (/recherche/): the published trainings, the
studies and reports of the library (their summary and full text), and
the resources — guides written by the CRESS, the legal-forms guide and each form, the
responsible-purchasing guide, the
« Qu'est-ce que l'ESS ? » page and the legal-form chooser."""

import hashlib
from urllib.parse import urlencode

from django.db.models import Count, Max, Sum
from django.urls import reverse

from essor.search.registry import Document, IndexedKind, ModelKind

from . import guides, legal_forms, purchasing_guide
from .models import AuthoredGuide, Page, Study, Training
from .views import FAMILIES


class TrainingKind(ModelKind):
    name = "formations"
    label = "Formations"
    singular, plural = "formation", "formations"
    order = 50
    model = Training
    version = "1"

    def published(self):
        return Training.objects.published().select_related(
            "organiser", "region", "departement", "epci"
        )

    def document(self, training):
        territory = training.territory
        return Document(
            key=training.pk,
            title=training.title,
            keywords=" ".join(
                [training.organiser_label, training.get_format_display(), *training.audience_labels]
            ),
            body=training.description,
            url=training.get_absolute_url(),
            context=" · ".join(filter(None, [training.organiser_label, training.duration])),
            territory=territory.name if territory else "",
        )

    def search_url(self, query):
        return reverse("resources:trainings") + "?" + urlencode({"q": query})


class StudyDocumentKind(ModelKind):
    """The library's published studies; the library page (/ressources/etudes/) matches its
    words through this kind too (index.matching_keys)."""

    name = "etudes"
    label = "Études et rapports"
    singular, plural = "étude ou rapport", "études et rapports"
    order = 55
    model = Study
    version = "1"

    def published(self):
        return (
            Study.objects.published()
            .select_related("region", "departement")
            .prefetch_related("author_organisations")
        )

    def document(self, study):
        authors = study.authors_label(list(study.author_organisations.all()))
        territory = study.territory
        return Document(
            key=study.pk,
            title=study.title,
            keywords=" ".join([authors, study.get_kind_display(), *study.theme_labels]),
            body=f"{study.summary}\n\n{study.extracted_text}",
            url=study.get_absolute_url(),
            summary=study.summary[:300],
            context=" · ".join(filter(None, [study.get_kind_display(), str(study.year), authors])),
            territory=territory.name if territory else "",
        )

    def search_url(self, query):
        return reverse("resources:studies") + "?" + urlencode({"q": query})


def _static_documents():
    """The resource pages written in the code, by key."""
    documents = [
        Document(
            key="qu-est-ce-que-l-ess",
            title="Qu'est-ce que l'économie sociale et solidaire ?",
            keywords="ESS définition loi du 31 juillet 2014 familles chiffres clés",
            summary="La définition de l'ESS par la loi du 31 juillet 2014, ses familles "
            "et ses chiffres clés dans la région et en France.",
            body=" ".join(f"{label} : {text}" for _, label, text in FAMILIES),
            url=reverse("resources:what_is_ess"),
        ),
        Document(
            key="formes-juridiques",
            title="Guide des formes juridiques de l'ESS",
            keywords="statuts forme juridique comparer "
            + " ".join(form.name for form in legal_forms.LEGAL_FORMS),
            summary="Membres, gouvernance, bénéfices, réserves, capital : les formes "
            "juridiques de l'ESS comparées.",
            url=reverse("resources:legal_forms"),
        ),
        Document(
            key="quelle-forme",
            title="Quelle forme juridique pour mon projet ?",
            keywords="choisir statut forme juridique création questionnaire",
            summary="Quelques questions sur votre projet pour savoir quelles formes "
            "juridiques lui conviennent.",
            url=reverse("resources:legal_form_chooser"),
        ),
        Document(
            key="achats-responsables",
            title="Guide des achats responsables",
            keywords="marchés réservés clause sociale clauses d'insertion SPASER facilitateur "
            "commande publique EA ESAT SIAE L2113-12 L2113-13 L2113-15",
            summary="Marchés réservés, clauses sociales et clauses types, SPASER, "
            "facilitateurs des clauses sociales : ce que le code de la commande publique "
            "permet à un acheteur.",
            body=purchasing_guide.search_text(),
            url=reverse("resources:purchasing_guide"),
        ),
    ]
    for guide in guides.GUIDES:
        documents.append(
            Document(
                key=f"guide-{guide.slug}",
                title=guide.title,
                keywords="guide",
                summary=guide.summary,
                body=guide.text(),
                url=reverse("resources:page", args=[guide.slug]),
                context="Guide",
            )
        )
    for form in legal_forms.LEGAL_FORMS:
        documents.append(
            Document(
                key=f"forme-{form.slug}",
                title=form.name,
                keywords="forme juridique statut",
                summary=form.short,
                body=" ".join([*(text for _, text in form.cells()), *form.notes, form.law]),
                url=reverse("resources:legal_form", args=[form.slug]),
                context="Forme juridique",
            )
        )
    return {document.key: document for document in documents}


def _static_version():
    content = repr(
        (
            legal_forms.LEGAL_FORMS,
            FAMILIES,
            purchasing_guide.SECTIONS,
            purchasing_guide.MODEL_CLAUSES,
            guides.GUIDES,
        )
    ).encode()
    return hashlib.sha1(content, usedforsecurity=False).hexdigest()[:12]


class ResourceKind(IndexedKind):
    name = "ressources"
    label = "Ressources"
    singular, plural = "ressource", "ressources"
    order = 60
    # Written in the code: a deployment that changes them changes the version.
    version = f"1-{_static_version()}"

    def _pages(self):
        return Page.objects.filter(is_published=True)

    def _written_guides(self):
        return AuthoredGuide.objects.published().select_related("published_version", "organisation")

    def documents(self, keys=None):
        static = _static_documents()
        pages, written = self._pages(), self._written_guides()
        if keys is not None:
            keys = {str(key) for key in keys}
            static = {key: doc for key, doc in static.items() if key in keys}
            slugs = [k.removeprefix("guide-") for k in keys]
            pages, written = pages.filter(slug__in=slugs), written.filter(slug__in=slugs)
        yield from static.values()
        for page in pages:
            yield Document(
                key=f"guide-{page.slug}",
                title=page.title,
                summary=page.summary,
                body=page.body,
                url=page.get_absolute_url(),
                context="Guide",
            )
        for guide in written:
            version = guide.published_version
            yield Document(
                key=f"guide-{guide.slug}",
                title=version.title,
                keywords=f"guide {guide.author_label}",
                summary=version.summary,
                body=version.body,
                url=guide.get_absolute_url(),
                context=f"Guide · {guide.author_label}",
            )

    def fingerprint(self):
        found = self._pages().aggregate(n=Count("pk"), keys=Sum("pk"), last=Max("updated_at"))
        written = self._written_guides().aggregate(n=Count("pk"), keys=Sum("published_version"))
        return f"{found['n']}:{found['keys']}:{found['last']}:{written['n']}:{written['keys']}"
