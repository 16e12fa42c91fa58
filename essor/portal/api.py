"""Open-data API of the platform search: what /recherche/ answers, as JSON."""

from typing import Annotated, Literal

from django.conf import settings
from ninja import Field, Query, Router, Schema

from essor.api.endpoints import endpoint
from essor.search import platform, registry

from .views import kind_url

API_PREFIX = "/recherche/"
router = Router(tags=["Recherche"])

MAX_LIMIT = 20
MAX_OFFSET = 1000
KINDS_DOC = ", ".join(f"`{kind.name}` ({kind.label})" for kind in registry.kinds())


class Resultat(Schema):
    titre: str = Field(description="Titre du contenu.")
    url: str = Field(description="Adresse de sa page sur ESSor.")
    precisions: str = Field(description="Une ligne de précisions : qui, quoi, quand.")
    territoire: str = Field(description="Territoire concerné ou servi (vide s'il n'est pas dit).")
    resume: str = Field(description="Début de sa description, en texte brut.")


class Groupe(Schema):
    type: str = Field(description=f"Type de contenu : {KINDS_DOC}.")
    libelle: str = Field(description="Nom du type de contenu.")
    total: int = Field(description="Nombre de contenus de ce type qui répondent.")
    approche: bool = Field(
        description="Aucun contenu de ce type ne contient tous les mots : résultats approchés."
    )
    lien: str = Field(description="Recherche complète de ce type de contenu sur ESSor.")
    resultats: list[Resultat] = Field(description="Les meilleurs résultats, du plus pertinent.")


class ReponseRecherche(Schema):
    requete: str = Field(description="La recherche, telle que reçue.")
    total: int = Field(description="Nombre total de résultats, tous types confondus.")
    groupes: list[Groupe] = Field(
        description="Les résultats par type de contenu. Sans `type`, les types qui ont des "
        "résultats, ceux dont le meilleur résultat porte tous les mots dans son titre "
        "d'abord ; avec `type`, ce seul type."
    )


def _absolute(url):
    return url if url.startswith(("http://", "https://")) else settings.ESSOR_BASE_URL + url


def _group(result, query):
    return {
        "type": result.kind.name,
        "libelle": result.kind.label,
        "total": result.total,
        "approche": result.fuzzy,
        "lien": _absolute(kind_url(result.kind, query)),
        "resultats": [
            {
                "titre": hit.title,
                "url": _absolute(hit.url),
                "precisions": hit.context,
                "territoire": hit.territory,
                "resume": hit.summary,
            }
            for hit in result.hits
        ],
    }


@endpoint(
    router,
    "/",
    ReponseRecherche,
    summary="Rechercher dans toute la plateforme",
    description=(
        "La recherche de `/recherche/` : structures de l'ESS, offres d'accompagnement, "
        "financements, initiatives, formations, ressources et territoires, regroupés par "
        "type. Sans tenir compte des accents, des majuscules ni des pluriels ; les sigles "
        "du domaine (SCOP, DLA, SIAE, GE…) trouvent aussi leur nom développé, et "
        "inversement. Avec `type`, un seul type de contenu, page par page (`limit`, "
        "`offset`)."
    ),
    operation_id="rechercher",
)
def search(
    request,
    q: Annotated[
        str,
        Query(
            ...,
            min_length=1,
            max_length=200,
            examples=["prêt d'honneur"],
            description="Les mots cherchés.",
        ),
    ],
    type: Annotated[
        Literal[tuple(kind.name for kind in registry.kinds())],
        Query(None, description=f"Un seul type de contenu : {KINDS_DOC}."),
    ] = None,
    limit: Annotated[
        int,
        Query(
            platform.PER_KIND,
            ge=1,
            le=MAX_LIMIT,
            description=f"Nombre de résultats par type (au plus {MAX_LIMIT}).",
        ),
    ] = platform.PER_KIND,
    offset: Annotated[
        int,
        Query(
            0,
            ge=0,
            le=MAX_OFFSET,
            description="Nombre de résultats à sauter dans chaque type (avec `type`).",
        ),
    ] = 0,
):
    query = q.strip()
    if type:
        kind = registry.get(type)
        groups = [kind.search(query, offset=offset, limit=limit)]
    else:
        groups = platform.search_everything(query, per_kind=limit).groups
    return {
        "requete": q,
        "total": sum(group.total for group in groups),
        "groupes": [_group(group, query) for group in groups],
    }
