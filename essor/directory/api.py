"""Open-data API of the directory: ESS organisations and their establishments.

The list of organisations, /structures/, is the directory's search: it lives with its
engine, in essor/search/api.py, and uses the rows and schemas defined here.

Only what the public directory shows is published: organisations in the ESS and active
(Organisation.objects.publicly_listed()) and their establishments. Nothing about people
(accounts, memberships, claims, contact e-mails and phones) is exposed, and a partially
diffusible establishment (SIRENE's statutDiffusion = P) keeps its address, postal code
and position hidden, as INSEE does."""

from datetime import date, datetime
from typing import Annotated, Literal

from django.conf import settings
from django.db.models import Prefetch
from ninja import Field, Path, Query, Router, Schema

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
    CommuneParam,
    DepartementParam,
    EpciParam,
    FormatParam,
    LimitParam,
    OffsetParam,
)
from essor.api.responses import CSV_RESPONSE_DOC

from .enums import AdministrativeStatus, EssFamily, LabelKind, Source
from .models import Establishment, Organisation

API_PREFIX = "/"
router = Router()

FAMILIES_DOC = choices_doc(EssFamily.choices)
SOURCES_DOC = choices_doc(Source.choices)

Famille = Literal[tuple(EssFamily.values)]
Statut = Literal[tuple(AdministrativeStatus.values)]

# Patterns reject what cannot be a code before it reaches the database; the error
# message's hints are in essor/api/params.py (FORMAT_HINTS).
NAF_PATTERN = r"^[0-9]{2}(\.[0-9]{1,2}|\.[0-9]{2}[A-Za-z])?$"
LABEL_PATTERN = r"^[-a-zA-Z0-9_]{1,30}$"
SIRET_PATTERN = r"^[0-9]{14}$"

# --- Response models -------------------------------------------------------------------
# Named in French: the class names are the schema names that the API's users read.


class Label(Schema):
    code: str = Field(description="Code du label ou de l'agrément (ex. « aci », « esat »).")
    nom: str = Field(description="Nom du label ou de l'agrément.")


class Reseau(Schema):
    id: int = Field(description="Identifiant ESSor de la tête de réseau.")
    nom: str = Field(description="Nom de la tête de réseau.")


class Etablissement(Schema):
    siret: str | None = Field(description="Numéro SIRET (14 chiffres), s'il est connu.")
    nom: str | None = Field(description="Nom ou enseigne de l'établissement.")
    structure_id: int = Field(description="Identifiant ESSor de la structure.")
    structure_nom: str = Field(description="Nom de la structure (unité légale).")
    siren: str | None = Field(description="Numéro SIREN de la structure.")
    famille: str = Field(description=f"Famille de l'ESS de la structure : {FAMILIES_DOC}.")
    adresse: str | None = Field(
        description="Adresse (numéro et voie) ; vide quand la diffusion est partielle."
    )
    code_postal: str | None = Field(
        description="Code postal ; vide quand la diffusion est partielle."
    )
    commune: str | None = Field(description="Code INSEE de la commune.")
    commune_nom: str | None = Field(description="Nom de la commune.")
    departement: str | None = Field(description="Code INSEE du département.")
    epci: str | None = Field(description="Numéro SIREN de l'intercommunalité (EPCI).")
    latitude: float | None = Field(
        description="Latitude WGS 84 ; vide quand la diffusion est partielle."
    )
    longitude: float | None = Field(
        description="Longitude WGS 84 ; vide quand la diffusion est partielle."
    )
    precision_position: str | None = Field(
        description="Précision de la position : `address` (adresse), `commune` (centre de "
        "la commune) ou `approximate` (approximative)."
    )
    naf: str | None = Field(description="Activité principale, code NAF rév. 2 (ex. 88.99B).")
    naf_libelle: str | None = Field(description="Libellé de l'activité NAF.")
    tranche_effectif: str | None = Field(description="Tranche d'effectif salarié INSEE (code).")
    tranche_effectif_libelle: str | None = Field(description="Libellé de la tranche d'effectif.")
    employeur: bool = Field(description="L'établissement emploie des salariés.")
    siege: bool = Field(description="L'établissement est le siège de la structure.")
    statut: str = Field(description="État administratif : `active` ou `closed` (fermé).")
    diffusion_partielle: bool = Field(
        description="Diffusion partielle décidée auprès de l'INSEE : l'adresse et la "
        "position ne sont pas publiées."
    )
    date_creation: date | None = Field(description="Date de création.")
    date_fermeture: date | None = Field(description="Date de fermeture.")
    source: str = Field(description=f"Provenance des données : {SOURCES_DOC}.")
    mise_a_jour_source: datetime | None = Field(
        description="Date de la dernière mise à jour depuis la source."
    )
    fictif: bool = Field(description="Établissement fictif, créé pour la démonstration.")


class Structure(Schema):
    id: int = Field(description="Identifiant ESSor de la structure.")
    siren: str | None = Field(description="Numéro SIREN (9 chiffres).")
    rna: str | None = Field(description="Numéro au répertoire national des associations.")
    nom: str = Field(description="Dénomination.")
    sigle: str | None = Field(description="Sigle.")
    categorie_juridique: str | None = Field(
        description="Catégorie juridique INSEE (niveau III, 4 chiffres)."
    )
    categorie_juridique_libelle: str | None = Field(
        description="Libellé de la catégorie juridique."
    )
    famille: str = Field(description=f"Famille de l'ESS : {FAMILIES_DOC}.")
    famille_libelle: str = Field(description="Libellé de la famille de l'ESS.")
    esus: bool = Field(description="Agrément « entreprise solidaire d'utilité sociale ».")
    societe_a_mission: bool = Field(description="Société à mission.")
    utilite_publique: bool = Field(description="Reconnue d'utilité publique.")
    date_creation: date | None = Field(description="Date de création de l'unité légale.")
    site_web: str | None = Field(description="Site web.")
    labels: list[Label] = Field(description="Labels et agréments.")
    lieux: list[Label] = Field(
        description="Lieux de l'ESS que la structure anime (tiers-lieu, PTCE…), le filtre `lieu`."
    )
    secteurs: list[str] = Field(description="Secteurs de l'ESS (codes).")
    source: str = Field(description=f"Provenance des données : {SOURCES_DOC}.")
    mise_a_jour_source: datetime | None = Field(
        description="Date de la dernière mise à jour depuis la source."
    )
    fictif: bool = Field(description="Structure fictive, créée pour la démonstration.")
    page: str = Field(description="Adresse de la fiche de la structure sur ESSor.")


class StructureDetaillee(Structure):
    presentation: str | None = Field(description="Présentation, au format Markdown.")
    reseaux: list[Reseau] = Field(description="Réseaux dont la structure est membre.")
    etablissements: list[Etablissement] = Field(
        description="Établissements de la structure, sièges d'abord."
    )


PageEtablissements = page_schema(
    "PageEtablissements",
    Etablissement,
    total="Nombre d'établissements qui répondent aux filtres.",
    items="Les établissements de la page.",
)


# --- Rows ------------------------------------------------------------------------------


def _or_none(value):
    return value or None


def organisation_row(organisation):
    return {
        "id": organisation.pk,
        "siren": organisation.siren,
        "rna": organisation.rna,
        "nom": organisation.name,
        "sigle": _or_none(organisation.acronym),
        "categorie_juridique": _or_none(organisation.legal_category),
        "categorie_juridique_libelle": organisation.legal_category_label,
        "famille": organisation.ess_family,
        "famille_libelle": organisation.get_ess_family_display(),
        "esus": organisation.is_esus,
        "societe_a_mission": organisation.is_mission_company,
        "utilite_publique": organisation.is_public_utility,
        "date_creation": organisation.created_on,
        "site_web": _or_none(organisation.website),
        "labels": [
            {"code": label.code, "nom": label.name}
            for label in organisation.labels.all()
            if label.kind != LabelKind.PLACE
        ],
        "lieux": [
            {"code": label.code, "nom": label.name}
            for label in organisation.labels.all()
            if label.kind == LabelKind.PLACE
        ],
        "secteurs": [str(sector) for sector in organisation.sectors or []],
        "source": organisation.source,
        "mise_a_jour_source": organisation.source_updated_at,
        "fictif": organisation.is_synthetic,
        "page": settings.ESSOR_BASE_URL + organisation.get_absolute_url(),
    }


def establishment_row(establishment):
    organisation = establishment.organisation
    commune = establishment.commune
    # INSEE withholds a partially-diffusible unit's address and position: so do we.
    public = establishment.shows_address
    return {
        "siret": establishment.siret,
        "nom": _or_none(establishment.name),
        "structure_id": organisation.pk,
        "structure_nom": organisation.name,
        "siren": organisation.siren,
        "famille": organisation.ess_family,
        "adresse": _or_none(establishment.address) if public else None,
        "code_postal": _or_none(establishment.postal_code) if public else None,
        "commune": commune.code if commune else None,
        "commune_nom": commune.name if commune else None,
        "departement": commune.departement_id if commune else None,
        "epci": commune.epci_id if commune else None,
        "latitude": establishment.latitude if public else None,
        "longitude": establishment.longitude if public else None,
        "precision_position": _or_none(establishment.coordinate_precision) if public else None,
        "naf": _or_none(establishment.naf),
        "naf_libelle": establishment.naf_label,
        "tranche_effectif": _or_none(establishment.headcount_band),
        "tranche_effectif_libelle": establishment.headcount_band_label,
        "employeur": establishment.is_employer,
        "siege": establishment.is_head_office,
        "statut": establishment.status,
        "diffusion_partielle": not public,
        "date_creation": establishment.created_on,
        "date_fermeture": establishment.closed_on,
        "source": establishment.source,
        "mise_a_jour_source": establishment.source_updated_at,
        "fictif": establishment.is_synthetic,
    }


ORGANISATION_CSV_COLUMNS = list(Structure.model_fields)
ESTABLISHMENT_CSV_COLUMNS = list(Etablissement.model_fields)


# --- Filters ---------------------------------------------------------------------------


def _territory_filters(departement=None, epci=None, commune=None, naf=None):
    """Lookups on establishments for the territory and activity filters."""
    lookups = {}
    if departement:
        lookups["commune__departement_id"] = departement.upper()
    if epci:
        lookups["commune__epci_id"] = epci
    if commune:
        lookups["commune_id"] = commune.upper()
    if naf:
        lookups["naf__startswith"] = naf.upper()
    return lookups


def public_organisations():
    return Organisation.objects.publicly_listed()


def public_establishments():
    return Establishment.objects.filter(organisation__in=public_organisations())


# --- Endpoints -------------------------------------------------------------------------

FamilleParam = Annotated[
    Famille,
    Query(
        None,
        examples=["association"],
        description=f"Famille de l'ESS de la structure : {FAMILIES_DOC}.",
    ),
]
NafParam = Annotated[
    str,
    Query(
        None,
        pattern=NAF_PATTERN,
        examples=["88.99B"],
        description="Code NAF rév. 2 ou son début : « 88 » (division), « 88.9 », « 88.99B ».",
    ),
]
EmployeurParam = Annotated[
    bool,
    Query(None, description="Établissements employeurs (true) ou non employeurs (false)."),
]
StatutParam = Annotated[
    Statut,
    Query(None, description="État administratif : `active` (en activité) ou `closed` (fermé)."),
]


@endpoint(
    router,
    "/structures/{id}/",
    StructureDetaillee,
    errors=(404,),
    summary="Détail d'une structure de l'ESS",
    description="Une structure de l'ESS publiée dans l'annuaire, avec ses établissements.",
    operation_id="detail_structure",
    tags=["Structures"],
)
def organisation_detail(request, id: id_param("Identifiant ESSor de la structure.")):
    organisation = found_or_404(
        public_organisations()
        .prefetch_related(
            "labels",
            Prefetch("networks", queryset=public_organisations().only("pk", "name")),
            Prefetch(
                "establishments",
                queryset=Establishment.objects.select_related("commune").order_by(
                    "-is_head_office", "name", "pk"
                ),
            ),
        )
        .filter(pk=id),
        f"Aucune structure de l'ESS publiée ne porte l'identifiant {id}.",
    )
    row = organisation_row(organisation)
    row["presentation"] = _or_none(organisation.description)
    row["reseaux"] = [{"id": n.pk, "nom": n.name} for n in organisation.networks.all()]
    establishments = organisation.establishments.all()
    for establishment in establishments:
        # Spare one query per establishment: they all belong to this organisation.
        establishment.organisation = organisation
    row["etablissements"] = [establishment_row(e) for e in establishments]
    return row


@endpoint(
    router,
    "/etablissements/",
    PageEtablissements,
    alternate=CSV_RESPONSE_DOC,
    summary="Lister les établissements des structures de l'ESS",
    description=(
        "Les établissements des structures de l'ESS publiées dans l'annuaire, triés par "
        "structure, sièges d'abord. Pour un établissement en diffusion partielle, "
        "l'adresse, le code postal et la position ne sont pas publiés. "
        "Ajouter `format=csv` (ou l'en-tête `Accept: text/csv`) pour un export CSV."
    ),
    operation_id="lister_etablissements",
    tags=["Établissements"],
)
def list_establishments(
    request,
    famille: FamilleParam = None,
    departement: DepartementParam = None,
    epci: EpciParam = None,
    commune: CommuneParam = None,
    naf: NafParam = None,
    employeur: EmployeurParam = None,
    statut: StatutParam = None,
    limit: LimitParam = DEFAULT_PAGE_SIZE,
    offset: OffsetParam = 0,
    format: FormatParam = None,
):
    params = {
        "famille": famille, "departement": departement, "epci": epci, "commune": commune,
        "naf": naf, "employeur": employeur, "statut": statut,
    }  # fmt: skip
    return page_or_csv(request, EstablishmentsExport, params, establishment_row, limit, offset)


def establishments_for(params):
    """The public establishments that the list's parameters choose, in the list's order."""
    get = params.get
    establishments = public_establishments().filter(
        **_territory_filters(get("departement"), get("epci"), get("commune"), get("naf"))
    )
    if get("famille"):
        establishments = establishments.filter(organisation__ess_family=get("famille"))
    if get("employeur") is not None:
        establishments = establishments.filter(is_employer=get("employeur"))
    if get("statut"):
        establishments = establishments.filter(status=get("statut"))
    return establishments.select_related("organisation", "commune").order_by(
        "organisation__name", "organisation_id", "-is_head_office", "name", "pk"
    )


EstablishmentsExport = list_export(
    name="api-establishments",
    filename="essor-etablissements.csv",
    columns=ESTABLISHMENT_CSV_COLUMNS,
    select=establishments_for,
    row=establishment_row,
)


@endpoint(
    router,
    "/etablissements/{siret}/",
    Etablissement,
    errors=(404,),
    summary="Détail d'un établissement",
    description="Un établissement d'une structure de l'ESS publiée, par son numéro SIRET.",
    operation_id="detail_etablissement",
    tags=["Établissements"],
)
def establishment_detail(
    request,
    siret: str = Path(..., pattern=SIRET_PATTERN, description="Numéro SIRET (14 chiffres)."),
):
    establishment = found_or_404(
        public_establishments().select_related("organisation", "commune").filter(siret=siret),
        f"Aucun établissement publié ne porte le numéro SIRET {siret}.",
    )
    return establishment_row(establishment)
