"""Open-data API of purchasing: the sourcing of published suppliers, the public needs
open to answers (never their answers, never a private need), and the buyers' figures by
territory and category family. No personal data: a supplier's contact address is the one
it publishes for buyers."""

from datetime import date
from typing import Annotated, Literal

from django.conf import settings
from ninja import Field, Query, Router, Schema

from essor.api.endpoints import choices_doc, endpoint, page_schema
from essor.api.params import (
    DEFAULT_PAGE_SIZE,
    CommuneParam,
    DepartementParam,
    EpciParam,
    FormatParam,
    LimitParam,
    OffsetParam,
)
from essor.api.responses import CSV_RESPONSE_DOC, csv_response, page, wants_csv
from essor.territories.areas import MAX_RADIUS_KM
from essor.territories.models import Commune

from . import figures
from .eligibility import RESERVATIONS
from .enums import NeedKind, SupplierKind
from .models import PurchaseCategory, PurchaseNeed
from .sourcing import Criteria, search

API_PREFIX = "/achats/"
router = Router(tags=["Achats responsables"])


class MarcheReserve(Schema):
    article: str = Field(description="Article du Code de la commande publique.")
    libelle: str = Field(description="Ce qui peut être réservé à ce fournisseur.")


class Fournisseur(Schema):
    id: int = Field(description="Identifiant ESSor de la fiche fournisseur.")
    structure_id: int = Field(description="Identifiant ESSor de la structure dans l'annuaire.")
    nom: str = Field(description="Nom de la structure.")
    siren: str | None = Field(description="SIREN de la structure.")
    commune: str | None = Field(description="Code INSEE de la commune où elle est située.")
    distance_km: float | None = Field(description="Distance à la commune demandée, en km.")
    types: list[str] = Field(
        description=f"Types de structure : {choices_doc(SupplierKind.choices)}."
    )
    marches_reserves: list[MarcheReserve] = Field(
        description="Les marchés réservés auxquels elle est éligible, déduits de ses labels."
    )
    categories: list[str] = Field(description="Codes des catégories d'achat qu'elle propose.")
    pourquoi: list[str] = Field(description="Pourquoi elle répond à la recherche.")
    contact: str | None = Field(description="Adresse publiée pour les acheteurs.")
    page: str = Field(description="Adresse de sa fiche fournisseur sur ESSor.")


PageFournisseurs = page_schema(
    "PageFournisseurs",
    Fournisseur,
    total="Nombre de fournisseurs qui répondent aux filtres.",
    items="Les fournisseurs de la page.",
)


class Besoin(Schema):
    id: int = Field(description="Identifiant ESSor du besoin.")
    intitule: str = Field(description="Intitulé du besoin.")
    description: str = Field(description="Description, au format Markdown.")
    acheteur: str = Field(description="Nom de la structure acheteuse.")
    categorie: str = Field(description="Code de la catégorie d'achat.")
    division_cpv: str | None = Field(description="Division CPV de la catégorie.")
    commune: str = Field(description="Code INSEE du lieu d'exécution.")
    nature: str = Field(description=f"Nature : {choices_doc(NeedKind.choices)}.")
    reference_marche: str | None = Field(description="Référence du marché public.")
    avis: str | None = Field(description="Lien vers l'avis officiel.")
    budget: str | None = Field(description="Tranche de budget.")
    reserve: str | None = Field(description="Réservation : `disability`, `insertion`, `ess`.")
    clause_sociale: bool = Field(description="Le besoin comporte une clause sociale.")
    date_limite_questions: date | None = Field(description="Date limite des questions.")
    date_limite_reponses: date = Field(description="Date limite des réponses.")
    page: str = Field(description="Adresse du besoin sur ESSor.")


PageBesoins = page_schema(
    "PageBesoins",
    Besoin,
    total="Nombre de besoins ouverts qui répondent aux filtres.",
    items="Les besoins de la page.",
)


class Indicateur(Schema):
    departement: str | None = Field(
        description="Code du département du lieu d'exécution (vide : total)."
    )
    famille: str | None = Field(description="Famille d'achats (vide : total).")
    besoins_publies: int = Field(description="Besoins publiés (ouverts ou clos).")
    reponses: int = Field(description="Réponses reçues.")
    reponses_interessees: int = Field(description="Réponses de fournisseurs intéressés.")
    besoins_clos: int = Field(description="Besoins clos avec leur issue.")
    besoins_gagnes_ess: int = Field(
        description="Besoins clos attribués à un fournisseur trouvé sur ESSor."
    )
    montant_gagne_ess: float = Field(
        description="Montant attribué à ces fournisseurs, € HT (quand il est donné)."
    )


CategoryParam = Annotated[
    str,
    Query(
        None, pattern=r"^[a-z0-9-]{2,60}$", description="Code de catégorie d'achat (ou de famille)."
    ),
]


@endpoint(
    router,
    "/fournisseurs/",
    PageFournisseurs,
    summary="Rechercher des fournisseurs responsables",
    description="Les fiches fournisseurs publiées, par catégorie, lieu (commune et rayon), type "
    "et marché réservé ; les plus proches d'abord quand une commune est donnée.",
    operation_id="rechercher_fournisseurs",
)
def supplier_search(
    request,
    q: Annotated[str, Query(None, max_length=200, description="Mots-clés.")] = None,
    categorie: CategoryParam = None,
    commune: CommuneParam = None,
    rayon: Annotated[int, Query(None, ge=1, le=MAX_RADIUS_KM, description="Rayon en km autour de la commune (ignoré sans commune) : les fournisseurs situés à cette distance, en plus de ceux qui interviennent dans la commune.")] = None,
    type: Annotated[Literal[tuple(SupplierKind.values)], Query(None, description="Type de structure.")] = None,
    reserve: Annotated[Literal[tuple(RESERVATIONS)], Query(None, description="Marché réservé : `disability` (L2113-12), `insertion` (L2113-13), `ess` (L2113-15).")] = None,
    limit: LimitParam = DEFAULT_PAGE_SIZE,
    offset: OffsetParam = 0,
):  # fmt: skip
    empty = {"total": 0, "limit": limit, "offset": offset, "resultats": []}
    category = place = None
    if categorie:
        category = PurchaseCategory.objects.filter(code=categorie).first()
        if category is None:  # an unknown category: nobody sells it
            return empty
    if commune:
        place = Commune.objects.select_related("departement").filter(code=commune.upper()).first()
        if place is None:  # the code of no commune: no place is served
            return empty
    criteria = Criteria(
        text=q or "", category=category, commune=place, radius_km=rayon if place else None,
        kinds=[type] if type else [], reservations=[reserve] if reserve else [],
    )  # fmt: skip
    results = search(criteria, page_size=limit, offset=offset)
    return {
        "total": results.total,
        "limit": limit,
        "offset": offset,
        "resultats": [
            {
                "id": m.profile.pk,
                "structure_id": m.profile.organisation_id,
                "nom": m.profile.organisation.name,
                "siren": m.profile.organisation.siren,
                "commune": m.profile.commune_id,
                "distance_km": round(m.distance_km, 1) if m.distance_km is not None else None,
                "types": [str(k) for k in m.profile.kinds],
                "marches_reserves": [
                    {"article": r.article, "libelle": r.badge} for r in m.profile.reservations
                ],
                "categories": [c.code for c in m.profile.categories.all()],
                "pourquoi": m.reasons,
                "contact": m.profile.contact_email or None,
                "page": settings.ESSOR_BASE_URL + m.profile.get_absolute_url(),
            }
            for m in results.matches
        ],
    }


def need_row(need):
    return {
        "id": need.pk,
        "intitule": need.title,
        "description": need.description,
        "acheteur": need.buyer.name,
        "categorie": need.category.code,
        "division_cpv": need.category.cpv_division or None,
        "commune": need.commune_id,
        "nature": need.kind,
        "reference_marche": need.contract_reference or None,
        "avis": need.notice_url or None,
        "budget": need.budget_band or None,
        "reserve": need.reserved or None,
        "clause_sociale": need.has_social_clause,
        "date_limite_questions": need.questions_deadline,
        "date_limite_reponses": need.answers_deadline,
        "page": settings.ESSOR_BASE_URL + need.get_absolute_url(),
    }


@endpoint(
    router,
    "/besoins/",
    PageBesoins,
    summary="Lister les besoins d'achat ouverts",
    description="Les besoins d'achat publics, publiés après modération de la CRESS et dont la "
    "date limite des réponses n'est pas passée ; la date limite la plus proche d'abord.",
    operation_id="lister_besoins_achat",
)
def open_needs(
    request,
    categorie: CategoryParam = None,
    departement: DepartementParam = None,
    limit: LimitParam = DEFAULT_PAGE_SIZE,
    offset: OffsetParam = 0,
):
    needs = PurchaseNeed.objects.public_open().select_related("buyer", "category")
    if categorie:
        needs = needs.filter(category__code=categorie) | needs.filter(
            category__parent__code=categorie
        )
    if departement:
        needs = needs.filter(commune__departement_id=departement.upper())
    return page(needs.order_by("answers_deadline", "pk"), need_row, limit, offset)


@endpoint(
    router,
    "/indicateurs/",
    list[Indicateur],
    alternate=CSV_RESPONSE_DOC,
    summary="Indicateurs des achats responsables",
    description="Par département du lieu d'exécution et famille d'achats, puis le total (dernière "
    "ligne) : besoins publiés, réponses, besoins gagnés par des fournisseurs trouvés sur ESSor "
    "et montants attribués quand l'acheteur les donne. Se restreint à un département, une "
    "intercommunalité (EPCI) ou une famille d'achats ; `format=csv` pour un fichier CSV.",
    operation_id="indicateurs_achats",
)
def purchase_indicators(
    request,
    departement: DepartementParam = None,
    epci: EpciParam = None,
    famille: CategoryParam = None,
    format: FormatParam = None,
):
    rows, total = figures.regional_figures(
        departement.upper() if departement else None, epci=epci, family=famille
    )
    found = [
        {
            "departement": f.code or None,
            "famille": f.category or None,
            "besoins_publies": f.needs,
            "reponses": f.answers,
            "reponses_interessees": f.interested,
            "besoins_clos": f.closed,
            "besoins_gagnes_ess": f.won_ess,
            "montant_gagne_ess": float(f.amount_ess),
        }
        for f in [*rows, total]
    ]
    if wants_csv(request):
        return csv_response(found, list(Indicateur.model_fields), "essor-achats-indicateurs.csv")
    return found
