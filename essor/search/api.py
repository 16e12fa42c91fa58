"""Open-data API of the directory search: /api/structures/ lists and searches the
organisations through the directory's engine (backends/), so that it answers exactly what
/annuaire/ answers — the same listed organisations, words, synonyms, order and facet
counts, cached under the index's generation. The organisation's detail and the
establishments stay in essor/directory/api.py, whose rows and schemas this module uses."""

from typing import Annotated, Literal

from ninja import Field, Query, Router

from essor.api.endpoints import endpoint, page_schema
from essor.api.params import (
    DEFAULT_PAGE_SIZE,
    CommuneParam,
    DepartementParam,
    EpciParam,
    FormatParam,
    LimitParam,
    OffsetParam,
)
from essor.api.responses import (
    CSV_CHUNK_SIZE,
    CSV_RESPONSE_DOC,
    ApiExport,
    csv_export_response,
    wants_csv,
)
from essor.core.exports import register_exporter
from essor.directory.api import (
    LABEL_PATTERN,
    ORGANISATION_CSV_COLUMNS,
    FamilleParam,
    NafParam,
    Structure,
    organisation_row,
)
from essor.directory.enums import LabelKind
from essor.directory.models import Label, Organisation

from .backends import SearchFilters, get_backend

API_PREFIX = "/"
router = Router()

SORTS = {"nom": "name", "-nom": "-name", "pertinence": "relevance"}
# The engine's facets, by the names the API's users read.
FACET_NAMES = {
    "family": "famille",
    "esus": "esus",
    "label": "label",
    "place": "lieu",
    "section": "section",
    "sector": "secteur",
    "band": "effectif",
    "departement": "departement",
    "epci": "epci",
}

SearchParam = Annotated[
    str,
    Query(
        None,
        max_length=200,
        examples=["insertion"],
        description="Les mots cherchés, comme dans l'annuaire : nom, sigle, activité, "
        "présentation, sans tenir compte des accents, des majuscules ni des pluriels, avec "
        "les sigles du secteur (« GE », « SIAE »…) ; ou un numéro SIREN, SIRET ou RNA.",
    ),
]
LabelParam = Annotated[
    str,
    Query(
        None,
        pattern=LABEL_PATTERN,
        examples=["aci"],
        description="Code d'un label ou agrément (ex. « aci »).",
    ),
]
LieuParam = Annotated[
    str,
    Query(
        None,
        pattern=LABEL_PATTERN,
        examples=["lieu-tiers-lieu"],
        description="Code d'un type de lieu de l'ESS (ex. « lieu-tiers-lieu », « lieu-ptce », "
        "« lieu-recyclerie ») : le filtre « Lieu de l'ESS » de l'annuaire.",
    ),
]
EsusParam = Annotated[
    bool,
    Query(None, description="Structures agréées ESUS (true) ou non agréées (false)."),
]
SectionParam = Annotated[
    str,
    Query(
        None,
        pattern=r"^[A-Ua-u]$",
        examples=["Q"],
        description="Section NAF d'un établissement actif (une lettre, ex. « Q » : santé "
        "humaine et action sociale), comme le filtre « Secteur d'activité » de l'annuaire.",
    ),
]
SecteurParam = Annotated[
    str,
    Query(
        None,
        pattern=r"^[a-z_]{1,40}$",
        examples=["action_sociale"],
        description="Secteur de l'ESS d'un établissement actif (code, ex. « action_sociale »).",
    ),
]
EffectifParam = Annotated[
    str,
    Query(
        None,
        pattern=r"^(NN|[0-9]{2})$",
        examples=["11"],
        description="Tranche d'effectif salarié INSEE d'un établissement actif (ex. « 11 »).",
    ),
]
TriParam = Annotated[
    Literal[tuple(SORTS)],
    Query(
        "nom",
        description="Ordre : `nom` (alphabétique), `-nom` (inverse) ou `pertinence` (celui "
        "de l'annuaire quand `q` est donné : tous les mots dans le nom d'abord).",
    ),
]
FacettesParam = Annotated[
    bool,
    Query(
        False,
        description="Ajouter à la réponse le nombre de structures par valeur de chaque "
        "filtre (les décomptes de l'annuaire).",
    ),
]


PageStructures = page_schema(
    "PageStructures",
    Structure,
    total="Nombre de structures qui répondent aux filtres.",
    items="Les structures de la page.",
    facettes=(
        dict[str, dict[str, int]] | None,
        Field(
            None,
            description="Avec `facettes=true` : pour chaque filtre (famille, esus, lieu, "
            "label, section, secteur, effectif, departement, epci), le nombre de structures "
            "par valeur, compté avec tous les autres filtres.",
        ),
    ),
)


def search_text(q):
    """What the engine looks for: `q` without control characters; a SIRET is searched
    as its SIREN (the organisation's identifier)."""
    q = "".join(c for c in q or "" if c.isprintable()).strip()
    compact = q.replace(" ", "")
    if compact.isdigit() and len(compact) == 14:
        return compact[:9]
    return q


def organisation_filters(*, q=None, famille=None, departement=None, epci=None, commune=None,
                         naf=None, label=None, lieu=None, esus=None, section=None, secteur=None,
                         effectif=None):  # fmt: skip
    """The directory engine's filters for the API's parameters; None when they can match
    nothing (an unknown label or kind of place)."""
    label_id = place_id = None
    if label:
        label_id = Label.objects.filter(code__iexact=label).values_list("pk", flat=True).first()
        if label_id is None:
            return None
    if lieu:
        places = Label.objects.filter(code__iexact=lieu, kind=LabelKind.PLACE)
        place_id = places.values_list("pk", flat=True).first()
        if place_id is None:
            return None
    return SearchFilters(
        text=search_text(q),
        family=famille or "",
        esus=esus is True,
        not_esus=esus is False,
        label=label_id,
        place=place_id,
        departement=(departement or "").upper(),
        epci=epci or "",
        commune=(commune or "").upper(),
        naf=(naf or "").upper(),
        section=(section or "").upper(),
        sector=secteur or "",
        band=effectif or "",
    )


def organisations_in_order(ids):
    """The organisations of `ids`, in that order, with their labels (two queries)."""
    found = Organisation.objects.prefetch_related("labels").in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


def _by_chunks(ids):
    for start in range(0, len(ids), CSV_CHUNK_SIZE):
        yield from organisations_in_order(ids[start : start + CSV_CHUNK_SIZE])


@register_exporter
class OrganisationsExport(ApiExport):
    """/api/structures/?format=csv: the directory engine's ids, then the rows by chunks."""

    name = "api-organisations"
    filename = "essor-structures.csv"
    columns = ORGANISATION_CSV_COLUMNS

    def _ids(self, params):
        # export_response counts, then reads the rows of the same instance: one search.
        key = sorted(params.items())
        if getattr(self, "_found", (None,))[0] != key:
            options = dict(params)
            sort = SORTS[options.pop("tri", "nom")]
            filters = organisation_filters(**options)
            self._found = (key, [] if filters is None else get_backend().ids(filters, sort=sort))
        return self._found[1]

    def count(self, params, user):
        return len(self._ids(params))

    def rows(self, params, user):
        return map(self.row, _by_chunks(self._ids(params)))

    def api_row(self, item):
        return organisation_row(item)


def facet_counts(counts):
    """The engine's facet counts under the API's names; labels and places by their code."""
    named = {FACET_NAMES[facet]: values for facet, values in counts.items()}
    ids = [int(k) for name in ("label", "lieu") for k in named[name]]
    codes = dict(Label.objects.filter(pk__in=ids).values_list("pk", "code"))
    for name in ("label", "lieu"):
        named[name] = {codes[int(k)]: n for k, n in named[name].items() if int(k) in codes}
    return named


@endpoint(
    router,
    "/structures/",
    PageStructures,
    alternate=CSV_RESPONSE_DOC,
    summary="Lister et rechercher les structures de l'ESS",
    description=(
        "Les structures (unités légales) de l'ESS publiées dans l'annuaire, triées par nom : "
        "la recherche de l'annuaire (/annuaire/), avec les mêmes résultats. "
        "Les filtres de territoire et d'activité retiennent les structures qui ont au moins "
        "un établissement actif dans ce territoire ou avec cette activité. "
        "Ajouter `format=csv` (ou l'en-tête `Accept: text/csv`) pour un export CSV."
    ),
    operation_id="lister_structures",
    tags=["Structures"],
)
def list_organisations(
    request,
    q: SearchParam = None,
    famille: FamilleParam = None,
    departement: DepartementParam = None,
    epci: EpciParam = None,
    commune: CommuneParam = None,
    naf: NafParam = None,
    label: LabelParam = None,
    lieu: LieuParam = None,
    esus: EsusParam = None,
    section: SectionParam = None,
    secteur: SecteurParam = None,
    effectif: EffectifParam = None,
    tri: TriParam = "nom",
    facettes: FacettesParam = False,
    limit: LimitParam = DEFAULT_PAGE_SIZE,
    offset: OffsetParam = 0,
    format: FormatParam = None,
):
    params = {
        "q": q, "famille": famille, "departement": departement, "epci": epci,
        "commune": commune, "naf": naf, "label": label, "lieu": lieu, "esus": esus, "section": section,
        "secteur": secteur, "effectif": effectif,
    }  # fmt: skip
    if wants_csv(request):
        return csv_export_response(request, OrganisationsExport.name, {**params, "tri": tri})
    filters = organisation_filters(**params)
    backend, sort = get_backend(), SORTS[tri]
    answer = {"total": 0, "limit": limit, "offset": offset, "resultats": []}
    if filters is None:
        return answer
    result = backend.search(filters, sort=sort, offset=offset, limit=limit, facets=facettes)
    answer["total"] = result.total
    answer["resultats"] = [organisation_row(o) for o in organisations_in_order(result.ids)]
    if facettes:
        answer["facettes"] = facet_counts(result.facets)
    return answer
