"""Open-data API of the observatory: the same precomputed indicators as the pages,
with the same statistical secrecy (a masked value is null, and "secret" says why)."""

from datetime import datetime
from typing import Literal

from django.conf import settings
from django.http import Http404
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from essor.api.errors import ERRORS, Erreur, InvalidParameter
from essor.territories.models import Commune, Departement, Epci, Region

from . import figures
from .enums import Breakdown, TerritoryLevel
from .models import SECRET_LABEL, TerritoryCentroid

API_PREFIX = "/observatoire/"
router = Router(tags=["Observatoire"])

L = TerritoryLevel
B = Breakdown

Niveau = Literal[tuple(L.values)]
VENTILATIONS = {
    "ensemble": B.TOTAL,
    "famille": B.FAMILY,
    "secteur": B.SECTOR,
    "taille": B.SIZE,
    "famille-secteur": B.FAMILY_SECTOR,
}
Ventilation = Literal[tuple(VENTILATIONS)]
FLOW_VENTILATIONS = ("ensemble", "famille", "secteur")
CODE_PATTERN = r"^[0-9A-Za-z]{2,9}$"
SECRET_DOC = (
    "« secret statistique » quand la valeur est masquée (elle vaut alors null), sinon null."  # noqa: S105 - not a password
)


class Territoire(Schema):
    niveau: str = Field(description="region, departement, epci ou commune.")
    code: str = Field(description="Code INSEE (SIREN pour un EPCI).")
    nom: str = Field(description="Nom du territoire.")


class Indicateur(Schema):
    categorie: str = Field(description="Code de la catégorie ; vide pour l'ensemble.")
    libelle: str = Field(description="Libellé de la catégorie.")
    etablissements: int | None = Field(description="Établissements de l'ESS en activité.")
    etablissements_employeurs: int | None = Field(description="Établissements employeurs.")
    salaries_estimes: int | None = Field(
        description="Salariés estimés d'après les tranches d'effectif (centre de la tranche)."
    )
    secret: str | None = Field(description=SECRET_DOC)
    donnees_de_demonstration: bool = Field(
        description="Vrai si des établissements fictifs de démonstration sont comptés."
    )


class Indicateurs(Schema):
    territoire: Territoire = Field(description="Le territoire décrit.")
    ventilation: str = Field(description="ensemble, famille, secteur, taille ou famille-secteur.")
    calcule_le: datetime | None = Field(description="Date du dernier calcul des indicateurs.")
    lignes: list[Indicateur] = Field(description="Une ligne par catégorie.")


class Periode(Schema):
    periode: str = Field(description="Année (2024) ou mois (2024-05).")
    creations: int | None = Field(description="Établissements créés sur la période.")
    fermetures: int | None = Field(description="Établissements fermés sur la période.")
    solde: int | None = Field(description="Créations moins fermetures.")
    secret: str | None = Field(description=SECRET_DOC)


class Evolution(Schema):
    territoire: Territoire = Field(description="Le territoire décrit.")
    pas: str = Field(description="annee ou mois.")
    ventilation: str = Field(description="ensemble, famille ou secteur.")
    categorie: str = Field(description="Catégorie suivie ; vide pour l'ensemble.")
    lignes: list[Periode] = Field(description="Une ligne par période.")


class TerritoireIndicateurs(Schema):
    code: str = Field(description="Code INSEE (SIREN pour un EPCI).")
    nom: str = Field(description="Nom du territoire.")
    etablissements: int | None = Field(description="Établissements de l'ESS en activité.")
    etablissements_employeurs: int | None = Field(description="Établissements employeurs.")
    salaries_estimes: int | None = Field(
        description="Salariés estimés d'après les tranches d'effectif."
    )
    part_emploi_salarie_pct: float | None = Field(
        description="Part de l'ESS dans l'emploi salarié total, si un tableau de référence "
        "a été importé ; null sinon."
    )
    secret: str | None = Field(description=SECRET_DOC)


def _territory(niveau, code):
    try:
        return figures.get_territory(niveau, code)
    except Http404:
        raise HttpError(404, f"Territoire introuvable : {niveau} {code}.") from None


def _territoire(territory):
    return {"niveau": territory.level, "code": territory.code, "nom": territory.name}


def _rounded(value):
    return None if value is None else round(value)


def _indicator(figure):
    return {
        "categorie": figure.category,
        "libelle": figure.label,
        "etablissements": figure.establishments,
        "etablissements_employeurs": figure.employer_establishments,
        "salaries_estimes": _rounded(figure.employees),
        "secret": SECRET_LABEL if figure.secret else None,
        "donnees_de_demonstration": figure.has_synthetic,
    }


@router.get(
    "/indicateurs",
    response={200: Indicateurs, 404: Erreur, **ERRORS},
    summary="Indicateurs d'un territoire",
)
def indicators(
    request,
    niveau: Niveau,
    code: str = Query(..., pattern=CODE_PATTERN, description="Code du territoire."),
    ventilation: Ventilation = "ensemble",
):
    """Établissements, établissements employeurs et salariés estimés de l'ESS d'un
    territoire, en tout ou par famille, secteur, tranche d'effectif ou famille et secteur.
    Les cases soumises au secret statistique ont des valeurs null."""
    territory = _territory(niveau, code)
    profile = figures.profile(territory)
    breakdown = VENTILATIONS[ventilation]
    rows = [profile.total] if breakdown == B.TOTAL else profile.rows[breakdown]
    if breakdown == B.TOTAL and not profile.exists:
        rows = []
    refresh = figures.last_refresh()
    return {
        "territoire": _territoire(territory),
        "ventilation": ventilation,
        "calcule_le": refresh.finished_at if refresh else None,
        "lignes": [_indicator(figure) for figure in rows],
    }


@router.get(
    "/evolution",
    response={200: Evolution, 404: Erreur, **ERRORS},
    summary="Créations et fermetures d'un territoire",
)
def evolution(
    request,
    niveau: Literal["region", "departement", "epci"],
    code: str = Query(..., pattern=CODE_PATTERN, description="Code du territoire."),
    pas: Literal["annee", "mois"] = "annee",
    ventilation: Literal[FLOW_VENTILATIONS] = "ensemble",
    categorie: str = Query(
        "", max_length=60, description="Famille ou secteur, selon la ventilation."
    ),
):
    """Créations, fermetures et solde d'établissements de l'ESS par année (20 dernières
    années) ou par mois (5 dernières années, ensemble seulement)."""
    territory = _territory(niveau, code)
    if ventilation == "ensemble" and categorie:
        raise InvalidParameter("categorie", "ne s'emploie qu'avec une ventilation")
    if ventilation != "ensemble":
        if pas == "mois":
            raise InvalidParameter(
                "pas", "les séries mensuelles ne sont publiées que pour l'ensemble"
            )
        breakdown = VENTILATIONS[ventilation]
        if categorie not in figures.known_categories(breakdown) or not categorie:
            raise InvalidParameter(
                "categorie", f"catégorie « {categorie} » inconnue pour la ventilation {ventilation}"
            )
    series = figures.flows(
        territory,
        monthly=pas == "mois",
        breakdown=VENTILATIONS[ventilation],
        category=categorie,
    )
    return {
        "territoire": _territoire(territory),
        "pas": pas,
        "ventilation": ventilation,
        "categorie": categorie,
        "lignes": [
            {
                "periode": flow.period,
                "creations": flow.creations,
                "fermetures": flow.closures,
                "solde": flow.balance,
                "secret": SECRET_LABEL if flow.secret else None,
            }
            for flow in series
        ],
    }


class TerritoryFilters(Schema):
    niveau: Niveau = Field(description="region, departement, epci ou commune.")
    region: str | None = Field(None, pattern=CODE_PATTERN, description="Code de région.")
    departement: str | None = Field(
        None,
        pattern=CODE_PATTERN,
        description="Code de département (sans lui, les communes de la région servie).",
    )


@router.get(
    "/territoires",
    response={200: list[TerritoireIndicateurs], **ERRORS},
    summary="Indicateurs de tous les territoires d'un niveau",
)
def territories(request, filters: Query[TerritoryFilters]):
    """Les chiffres d'ensemble de chaque territoire d'un niveau : toutes les régions,
    les départements (d'une région), les EPCI (d'une région ou d'un département), les
    communes d'un département."""
    level = filters.niveau
    if level == L.REGION:
        territories = Region.objects.all()
    elif level == L.DEPARTEMENT:
        territories = Departement.objects.all()
        if filters.region:
            territories = territories.filter(region_id=filters.region)
    elif level == L.EPCI:
        territories = Epci.objects.all()
        if filters.departement:
            territories = territories.filter(communes__departement_id=filters.departement)
        elif filters.region:
            territories = territories.filter(
                code__in=TerritoryCentroid.objects.filter(
                    level=L.EPCI, region=filters.region
                ).values("code")
            )
    else:
        # Without a département, the communes of the region the platform serves.
        territories = Commune.objects.filter(parent__isnull=True)
        if filters.departement:
            territories = territories.filter(departement_id=filters.departement)
        else:
            territories = territories.filter(region_id=filters.region or settings.ESSOR_REGION)
    pairs = list(territories.distinct().order_by("code").values_list("code", "name"))
    totals = figures.totals_of(level, [code for code, _ in pairs])
    references = figures.reference_employment(level, [code for code, _ in pairs])
    result = []
    for code, name in pairs:
        figure = totals.get(code) or figures.Figure.empty()
        share = figures.ess_share(figure, references.get(code))
        result.append(
            {
                "code": code,
                "nom": name,
                "etablissements": figure.establishments,
                "etablissements_employeurs": figure.employer_establishments,
                "salaries_estimes": _rounded(figure.employees),
                "part_emploi_salarie_pct": None if share is None else round(share, 1),
                "secret": SECRET_LABEL if figure.secret else None,
            }
        )
    return result
