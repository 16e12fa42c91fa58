"""Open-data API of the financing catalog: the published tools and calls for projects,
with the filters of the catalog page (essor/financing/catalog.py).

Only published tools are listed; drafts and archives stay with their funders. The
tool's contact line is left out: it may name a person, and the tool's page on ESSor
shows it to whoever needs it."""

from datetime import date, datetime
from typing import Annotated, Literal

from django.conf import settings
from django.db.models import F
from ninja import Field, Query, Router, Schema

from essor.api.endpoints import (
    choices_doc,
    endpoint,
    found_or_404,
    id_param,
    list_export,
    page_or_csv,
    page_schema,
)
from essor.api.params import (
    DEFAULT_PAGE_SIZE,
    FORMAT_DESCRIPTION,
    CommuneParam,
    FormatParam,
    LimitParam,
    OffsetParam,
)
from essor.api.responses import CSV_RESPONSE_DOC
from essor.directory.enums import Phase
from essor.territories.areas import AreaLevel, format_areas

from .catalog import apply_filters
from .enums import Beneficiary, CallKind, Instrument, Need
from .models import FinancingTool

API_PREFIX = "/financements/"
router = Router(tags=["Financements"])


class Financeur(Schema):
    id: int = Field(description="Identifiant ESSor de la structure qui finance.")
    nom: str = Field(description="Nom du financeur.")


class Territoire(Schema):
    niveau: str = Field(description=f"Échelle : {choices_doc(AreaLevel.choices)}.")
    code: str = Field(
        description="Code INSEE (région, département, commune ; la commune au centre d'un "
        "rayon), SIREN de l'EPCI, `FR` pour la France entière."
    )
    nom: str = Field(description="Nom du territoire.")
    rayon_km: int | None = Field(description="Rayon en km autour de la commune (niveau `radius`).")


class Financement(Schema):
    id: int = Field(description="Identifiant ESSor de l'outil de financement.")
    intitule: str = Field(description="Intitulé.")
    resume: str = Field(description="Description courte.")
    programme: str | None = Field(description="Programme (FSE+, FEDER, dispositif régional…).")
    instrument: str = Field(description=f"Instrument : {choices_doc(Instrument.choices)}.")
    instrument_libelle: str = Field(description="Libellé de l'instrument.")
    type_appel: str = Field(description=f"Type d'appel : {choices_doc(CallKind.choices)}.")
    ouverture: date | None = Field(description="Date d'ouverture des candidatures.")
    cloture: date | None = Field(description="Date de clôture des candidatures.")
    chaque_annee: bool = Field(description="L'appel revient chaque année.")
    enveloppe: str = Field(
        description="État de l'enveloppe : `open` (disponible), `exhausted` (épuisée), "
        "`suspended` (dispositif suspendu)."
    )
    beneficiaires: list[str] = Field(
        description=f"Bénéficiaires éligibles (vide : tous) : {choices_doc(Beneficiary.choices)}."
    )
    anciennete_min_mois: int | None = Field(description="Ancienneté minimale, en mois.")
    anciennete_max_mois: int | None = Field(description="Ancienneté maximale, en mois.")
    etapes: list[str] = Field(
        description=f"Étapes de vie (vide : toutes) : {choices_doc(Phase.choices)}."
    )
    besoins: list[str] = Field(description=f"Besoins financés : {choices_doc(Need.choices)}.")
    secteurs: list[str] = Field(description="Secteurs de l'ESS réservés (vide : tous).")
    territoires: list[Territoire] = Field(
        description="Le territoire couvert, en une ou plusieurs parties. En CSV : "
        "`niveau:code` séparés par `|` (`national`, `departement:16`, `radius:16015:30`)."
    )
    montant_min: int | None = Field(description="Montant minimal, en euros.")
    montant_max: int | None = Field(description="Montant maximal, en euros.")
    taux: str | None = Field(description="Taux ou conditions.")
    candidature_sur_essor: bool = Field(
        description="La candidature se dépose par le dossier unique d'ESSor."
    )
    lien_candidature: str | None = Field(description="Lien pour candidater chez le financeur.")
    financeurs: list[Financeur] = Field(description="Les financeurs.")
    illustratif: bool = Field(description="Montants et dates illustratifs, pour la démonstration.")
    publie_le: datetime | None = Field(description="Date de publication sur ESSor.")
    page: str = Field(description="Adresse de la fiche de l'outil sur ESSor.")


class FinancementDetaille(Financement):
    description: str | None = Field(description="Description détaillée, au format Markdown.")
    permet_ensuite: list[int] = Field(
        description="Identifiants des outils publiés que celui-ci permet de mobiliser ensuite."
    )


PageFinancements = page_schema(
    "PageFinancements",
    Financement,
    total="Nombre d'outils qui répondent aux filtres.",
    items="Les outils de la page.",
)


def tool_row(tool):
    return {
        "id": tool.pk,
        "intitule": tool.title,
        "resume": tool.summary,
        "programme": tool.programme or None,
        "instrument": tool.instrument,
        "instrument_libelle": tool.get_instrument_display(),
        "type_appel": tool.call_kind,
        "ouverture": tool.opens_on,
        "cloture": tool.closes_on,
        "chaque_annee": bool(tool.recurrence),
        "enveloppe": tool.envelope,
        "beneficiaires": list(tool.beneficiaries),
        "anciennete_min_mois": tool.min_age_months,
        "anciennete_max_mois": tool.max_age_months,
        "etapes": list(tool.phases),
        "besoins": list(tool.needs),
        "secteurs": list(tool.sectors),
        "territoires": [
            {"niveau": a.level, "code": a.code, "nom": a.label, "rayon_km": a.radius_km}
            for a in tool.areas.all()
        ],
        "montant_min": tool.amount_min,
        "montant_max": tool.amount_max,
        "taux": tool.rate or None,
        "candidature_sur_essor": tool.accepts_dossier,
        "lien_candidature": tool.external_url or None,
        "financeurs": [{"id": f.pk, "nom": f.name} for f in tool.funders.all()],
        "illustratif": tool.is_illustrative,
        "publie_le": tool.published_at,
        "page": settings.ESSOR_BASE_URL + tool.get_absolute_url(),
    }


CSV_COLUMNS = list(Financement.model_fields)


def csv_row(tool):
    # A spreadsheet cell holds the territory in the notation the importer reads back.
    return {**tool_row(tool), "territoires": format_areas(tool.areas.all())}


@endpoint(
    router,
    "/",
    PageFinancements,
    alternate=CSV_RESPONSE_DOC,
    summary="Lister et rechercher les outils de financement",
    description=(
        "Les outils de financement et appels à projets publiés, triés par date de clôture "
        "(les plus proches d'abord, les dispositifs permanents ensuite). Un outil qui ne "
        "restreint pas ses bénéficiaires, ses étapes ou ses besoins répond à tous les "
        "filtres correspondants. " + FORMAT_DESCRIPTION
    ),
    operation_id="lister_financements",
)
def list_tools(
    request,
    q: Annotated[
        str,
        Query(None, max_length=100, description="Mots de l'intitulé, du programme, des thèmes."),
    ] = None,
    instrument: Annotated[
        Literal[tuple(Instrument.values)], Query(None, description="Instrument.")
    ] = None,
    type_appel: Annotated[
        Literal[tuple(CallKind.values)], Query(None, description="Type d'appel.")
    ] = None,
    beneficiaire: Annotated[
        Literal[tuple(Beneficiary.values)], Query(None, description="Bénéficiaire éligible.")
    ] = None,
    etape: Annotated[Literal[tuple(Phase.values)], Query(None, description="Étape de vie.")] = None,
    besoin: Annotated[Literal[tuple(Need.values)], Query(None, description="Besoin financé.")] = None,
    commune: CommuneParam = None,
    ouvert: Annotated[
        bool,
        Query(None, description="true : seulement les appels ouverts (enveloppe disponible, "
              "non clos)."),
    ] = None,
    limit: LimitParam = DEFAULT_PAGE_SIZE,
    offset: OffsetParam = 0,
    format: FormatParam = None,
):  # fmt: skip
    params = {
        "q": q, "instrument": instrument, "call_kind": type_appel, "beneficiary": beneficiaire,
        "phase": etape, "need": besoin, "commune": commune.upper() if commune else None,
        "open": "1" if ouvert else None,
    }  # fmt: skip
    return page_or_csv(request, ToolsExport, params, tool_row, limit, offset)


def published_tools(params):
    tools = apply_filters(FinancingTool.objects.published(), params).distinct()
    # Nearest deadline first; permanent tools (no deadline) after, by title.
    tools = tools.order_by(F("closes_on").asc(nulls_last=True), "title", "pk")
    return tools.prefetch_related("funders", "areas")


ToolsExport = list_export(
    name="api-financing-tools",
    filename="essor-financements.csv",
    columns=CSV_COLUMNS,
    select=published_tools,
    row=csv_row,
)


@endpoint(
    router,
    "/{id}/",
    FinancementDetaille,
    errors=(404,),
    summary="Détail d'un outil de financement",
    description="Un outil de financement publié, avec sa description et ce qu'il permet "
    "de mobiliser ensuite.",
    operation_id="detail_financement",
)
def tool_detail(request, id: id_param("Identifiant ESSor de l'outil.")):
    tool = found_or_404(
        FinancingTool.objects.published().prefetch_related("funders", "areas").filter(pk=id),
        f"Aucun outil de financement publié ne porte l'identifiant {id}.",
    )
    row = tool_row(tool)
    row["description"] = tool.description or None
    row["permet_ensuite"] = list(
        tool.unlocks.published().order_by("pk").values_list("pk", flat=True)
    )
    return row
