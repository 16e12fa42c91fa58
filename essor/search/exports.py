"""The directory search's CSV (/annuaire/export.csv): the public fields of each
organisation of a result. Large results are prepared in the background (essor.core.exports)."""

from django.conf import settings
from django.http import QueryDict

from essor.core.exports import Exporter, register_exporter
from essor.directory import nomenclatures
from essor.directory.models import Organisation
from essor.territories.models import Commune

from .backends import get_backend
from .directory import SearchForm

EXPORT_CHUNK = 500

EXPORT_COLUMNS = [
    "siren", "rna", "nom", "sigle", "categorie_juridique", "libelle_categorie_juridique",
    "famille_ess", "agrement_esus", "site_web", "email_public", "telephone_public",
    "etablissements_correspondants", "commune", "code_commune", "departement", "fiche_essor",
]  # fmt: skip


def _export_rows(form):
    filters = form.filters()
    backend = get_backend()
    ids = backend.ids(filters, sort=form.sort(filters))
    base = settings.ESSOR_BASE_URL
    for start in range(0, len(ids), EXPORT_CHUNK):
        chunk = ids[start : start + EXPORT_CHUNK]
        organisations = Organisation.objects.in_bulk(chunk)
        summaries = backend.summaries(filters, chunk)
        communes = Commune.objects.in_bulk({s[1] for s in summaries.values() if s[1]})
        for pk in chunk:
            org = organisations.get(pk)
            if org is None:
                continue
            count, code, _ = summaries.get(pk, (0, None, None))
            commune = communes.get(code)
            row = [
                org.siren, org.rna, org.name, org.acronym, org.legal_category,
                nomenclatures.legal_category_label(org.legal_category),
                org.get_ess_family_display(), "oui" if org.is_esus else "non",
                org.website, org.public_email, org.public_phone, count,
                commune.name if commune else "", code or "",
                commune.departement_id if commune else "",
                base + org.get_absolute_url(),
            ]  # fmt: skip
            yield row


def _form(params):
    query = QueryDict(mutable=True)
    for key, values in params.items():
        query.setlist(key, values)
    form = SearchForm(query)
    if not form.is_valid():
        raise ValueError("invalid search")  # the view checked it before
    return form


@register_exporter
class DirectoryExport(Exporter):
    name = "directory-search"
    filename = "annuaire-ess.csv"
    header = EXPORT_COLUMNS

    def count(self, params, user):
        form = _form(params)
        return len(get_backend().ids(form.filters()))

    def rows(self, params, user):
        return _export_rows(_form(params))
