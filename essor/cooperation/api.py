"""Open-data API of the cooperation exchange: the open offers and needs, and the
cooperation figures (concluded exchanges by kind and what they brought) of a territory.
Threads, messages and who wrote are never published."""

from datetime import date
from typing import Annotated, Literal

from ninja import Field, Query, Router, Schema

from essor.api.endpoints import choices_doc, endpoint, page_schema
from essor.api.params import (
    CommuneParam,
    DepartementParam,
    EpciParam,
    LimitParam,
    OffsetParam,
)
from essor.api.responses import page

from .enums import Direction, Kind
from .models import Listing
from .services import cooperation_figures

API_PREFIX = "/cooperation/"
router = Router(tags=["Coopération"])


class Publication(Schema):
    id: int = Field(description="Identifiant ESSor de l'offre ou du besoin.")
    sens: str = Field(description=f"Sens : {choices_doc(Direction.choices)}.")
    type: str = Field(description=f"Type : {choices_doc(Kind.choices)}.")
    categorie: str = Field(description="Catégorie, propre au type.")
    intitule: str = Field(description="Intitulé.")
    structure: str = Field(description="Nom de la structure qui publie.")
    structure_id: int = Field(description="Identifiant ESSor de la structure.")
    commune: str = Field(description="Code INSEE de la commune.")
    territoire: str = Field(description="Territoire (rayon ou territoire autour de la commune).")
    debut: date = Field(description="À partir du.")
    fin: date | None = Field(description="Jusqu'au (vide : sans fin annoncée).")
    etat: str = Field(description="`open` (ouverte) ou `discussion` (en discussion).")
    caracteristiques: dict = Field(description="Caractéristiques propres au type.")
    url: str = Field(description="Adresse de la page sur ESSor.")


PagePublications = page_schema(
    "PagePublications",
    Publication,
    total="Nombre d'offres et de besoins qui répondent aux filtres.",
    items="Les offres et besoins de la page.",
)


class ChiffresType(Schema):
    type: str = Field(description=f"Type : {choices_doc(Kind.choices)}.")
    libelle: str = Field(description="Libellé du type.")
    echanges: int = Field(description="Échanges conclus.")
    jours_competences: float = Field(description="Jours de compétences apportés.")
    m2_partages: int = Field(description="Surface partagée, en m².")
    heures_mentorat: float = Field(description="Heures de mentorat.")
    emplois_partages: float = Field(description="Emplois partagés (équivalents temps plein).")
    euros_economises: int = Field(description="Euros économisés, déclarés par les structures.")


class Chiffres(Schema):
    echanges: int = Field(description="Échanges conclus, tous types.")
    jours_competences: float = Field(description="Jours de compétences apportés.")
    m2_partages: int = Field(description="Surface partagée, en m².")
    heures_mentorat: float = Field(description="Heures de mentorat.")
    emplois_partages: float = Field(description="Emplois partagés (équivalents temps plein).")
    euros_economises: int = Field(description="Euros économisés, déclarés par les structures.")
    par_type: list[ChiffresType] = Field(description="Les mêmes chiffres, type par type.")


def _row(listing):
    return {
        "id": listing.pk,
        "sens": listing.direction,
        "type": listing.kind,
        "categorie": listing.category,
        "intitule": listing.title,
        "structure": listing.organisation.name,
        "structure_id": listing.organisation_id,
        "commune": listing.commune_id,
        "territoire": listing.territory_label,
        "debut": listing.starts_on,
        "fin": listing.ends_on,
        "etat": listing.status,
        "caracteristiques": listing.details,
        "url": listing.get_absolute_url(),
    }


def _figures(values):
    return {
        "echanges": values["exchanges"],
        "jours_competences": float(values["skills_days"]),
        "m2_partages": int(values["surface_m2"]),
        "heures_mentorat": float(values["mentoring_hours"]),
        "emplois_partages": float(values["jobs_shared"]),
        "euros_economises": int(values["euros_saved"]),
    }


@endpoint(router, "/", PagePublications, summary="Offres et besoins ouverts")
def list_cooperation(
    request,
    sens: Annotated[
        Literal["offre", "besoin"], Query(None, description="Offres ou besoins.")
    ] = None,
    type: Annotated[
        str,
        Query(None, pattern=r"^[a-z-]{1,20}$", description=f"Type : {choices_doc(Kind.choices)}."),
    ] = None,
    departement: DepartementParam = None,
    limit: LimitParam = 20,
    offset: OffsetParam = 0,
):
    """Les offres et besoins de coopération ouverts (ou en discussion), les plus récents
    d'abord. Les échanges de messages et les personnes ne sont jamais publiés."""
    listings = (
        Listing.objects.active().select_related("organisation").order_by("-created_at", "-pk")
    )
    if sens:
        listings = listings.filter(direction=sens)
    if type:
        listings = listings.filter(kind=type)
    if departement:
        listings = listings.filter(commune__departement_id=departement.upper())
    return page(listings, _row, limit, offset)


@endpoint(router, "/chiffres/", Chiffres, summary="Chiffres de la coopération")
def figures_of_cooperation(
    request,
    departement: DepartementParam = None,
    epci: EpciParam = None,
    commune: CommuneParam = None,
):
    """Les échanges conclus sur ESSor par type, et ce qu'ils ont apporté, dans un
    territoire (toute la plateforme sans paramètre)."""
    found = cooperation_figures(
        departement=departement and departement.upper(), epci=epci, commune=commune
    )
    return {
        **_figures(found["totals"]),
        "par_type": [
            {"type": row["kind"], "libelle": row["label"], **_figures(row)}
            for row in found["by_kind"]
        ],
    }
