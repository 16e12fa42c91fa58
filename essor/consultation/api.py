"""Open-data API of the consultation: published processes, the actions they follow, and
the published results of their questionnaires, aggregated with the secrecy threshold.
Individual questionnaire answers and free texts are never published here."""

from typing import Annotated, Literal

from django.conf import settings
from ninja import Field, Query, Router, Schema

from essor.api.endpoints import (
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
    FormatParam,
    LimitParam,
    OffsetParam,
)
from essor.api.responses import CSV_RESPONSE_DOC, csv_response, wants_csv

from . import questionnaires as questionnaire_services
from .enums import ActionStatus, Axis, Breakdown
from .models import Action, Process, Questionnaire

API_PREFIX = "/concertation/"
router = Router(tags=["Concertation"])


class Etape(Schema):
    type: str = Field(
        description="diagnostic, questionnaire, fiches, ateliers, restitution ou suivi."
    )
    intitule: str = Field(description="Intitulé de l'étape.")
    debut: str = Field(description="Date de début (AAAA-MM-JJ).")
    fin: str | None = Field(description="Date de fin, null si ouverte.")


class Concertation(Schema):
    id: int = Field(description="Identifiant ESSor de la concertation.")
    adresse: str = Field(description="Identifiant dans l'adresse de la page.")
    titre: str = Field(description="Titre.")
    objet: str = Field(description="Objet (Markdown).")
    territoire: str = Field(description="Territoire concerné.")
    participation: str = Field(
        description="`open` (ouverte à tous) ou `members` (membres des structures de l'ESS)."
    )
    demonstration: bool = Field(description="Concertation fictive du jeu de démonstration.")
    etapes: list[Etape] = Field(description="Étapes datées, dans l'ordre.")
    url: str = Field(description="Adresse de la page sur ESSor.")


PageConcertations = page_schema(
    "PageConcertations",
    Concertation,
    total="Nombre de résultats.",
    items="Les concertations de la page.",
)


class Action_(Schema):
    id: int = Field(description="Identifiant ESSor de l'action.")
    concertation: str = Field(description="Adresse de la concertation.")
    numero: int = Field(description="Numéro dans la concertation (pour 2016 : l'ordre du rapport).")
    axe: str = Field(description="entreprendre, cooperer ou innover.")
    chapitre: str = Field(description="Chapitre.")
    theme: str = Field(description="Thème.")
    texte: str = Field(
        description="Texte de l'action (pour 2016 : la piste d'action du rapport, mot pour mot)."
    )
    section: str = Field(description="Section d'origine.")
    etat: str = Field(description="a_lancer, en_cours, realisee ou abandonnee.")
    avancement: int = Field(description="Avancement en pourcentage.")
    territoire: str = Field(description="Département, ou « Toute la région ».")
    porteurs: list[str] = Field(description="Structures qui portent l'action.")
    url: str = Field(description="Adresse de la page sur ESSor.")


PageActions = page_schema(
    "PageActions", Action_, total="Nombre de résultats.", items="Les actions de la page."
)


def process_row(process):
    return {
        "id": process.pk,
        "adresse": process.slug,
        "titre": process.title,
        "objet": process.purpose,
        "territoire": process.territory_label,
        "participation": process.access,
        "demonstration": process.is_demo,
        "etapes": [
            {
                "type": p.kind,
                "intitule": p.label,
                "debut": p.starts_on.isoformat(),
                "fin": p.ends_on.isoformat() if p.ends_on else None,
            }
            for p in process.phases.all()
        ],
        "url": settings.ESSOR_BASE_URL + process.get_absolute_url(),
    }


def action_row(action):
    return {
        "id": action.pk,
        "concertation": action.process.slug,
        "numero": action.number,
        "axe": action.axis,
        "chapitre": action.chapter,
        "theme": action.theme,
        "texte": action.text,
        "section": action.source_section,
        "etat": action.status,
        "avancement": action.progress,
        "territoire": action.territory_label,
        "porteurs": [o.display_name for o in action.carriers.all()],
        "url": settings.ESSOR_BASE_URL + action.get_absolute_url(),
    }


PROCESS_COLUMNS = ["id", "adresse", "titre", "territoire", "participation", "demonstration", "url"]
ACTION_COLUMNS = [
    "id", "concertation", "numero", "axe", "chapitre", "theme", "texte", "section", "etat",
    "avancement", "territoire", "porteurs", "url",
]  # fmt: skip


def published_processes(params):
    return Process.objects.published().prefetch_related("phases").order_by("pk")


ProcessesExport = list_export(
    name="api-consultation-processes",
    filename="essor-concertations.csv",
    columns=PROCESS_COLUMNS,
    select=published_processes,
    row=process_row,
)


@endpoint(
    router,
    "/",
    PageConcertations,
    alternate=CSV_RESPONSE_DOC,
    summary="Lister les concertations publiées",
    description="Les concertations publiées et leurs étapes datées. " + FORMAT_DESCRIPTION,
    operation_id="lister_concertations",
)
def list_processes(
    request,
    limit: LimitParam = DEFAULT_PAGE_SIZE,
    offset: OffsetParam = 0,
    format: FormatParam = None,
):
    return page_or_csv(request, ProcessesExport, {}, process_row, limit, offset)


@endpoint(
    router,
    "/actions/",
    PageActions,
    alternate=CSV_RESPONSE_DOC,
    summary="Lister les actions suivies",
    description=(
        "Les actions des concertations publiées (dont les pistes d'action de l'état des "
        "lieux 2016), avec leur état et leur avancement. " + FORMAT_DESCRIPTION
    ),
    operation_id="lister_actions",
)
def list_actions(
    request,
    concertation: Annotated[
        str, Query(None, max_length=120, description="Adresse de la concertation.")
    ] = None,
    axe: Annotated[Literal[tuple(Axis.values)], Query(None, description="Axe.")] = None,
    etat: Annotated[Literal[tuple(ActionStatus.values)], Query(None, description="État.")] = None,
    limit: LimitParam = DEFAULT_PAGE_SIZE,
    offset: OffsetParam = 0,
    format: FormatParam = None,
):
    params = {"concertation": concertation, "axe": axe, "etat": etat}
    return page_or_csv(request, ActionsExport, params, action_row, limit, offset)


def public_actions(params):
    actions = (
        Action.objects.public()
        .select_related("process", "departement")
        .prefetch_related("carriers")
        .order_by("process", "number")
    )
    if params.get("concertation"):
        actions = actions.filter(process__slug=params["concertation"])
    if params.get("axe"):
        actions = actions.filter(axis=params["axe"])
    if params.get("etat"):
        actions = actions.filter(status=params["etat"])
    return actions


ActionsExport = list_export(
    name="api-consultation-actions",
    filename="essor-actions.csv",
    columns=ACTION_COLUMNS,
    select=public_actions,
    row=action_row,
)


@endpoint(
    router,
    "/actions/{action_id}/",
    Action_,
    errors=(404,),
    summary="Une action suivie",
    description="Une action d'une concertation publiée, avec son état et son avancement.",
    operation_id="lire_action",
)
def get_action(request, action_id: id_param("Identifiant ESSor de l'action.")):
    action = found_or_404(
        Action.objects.public().select_related("process", "departement").filter(pk=action_id),
        "Cette action n'existe pas ou n'est pas publiée.",
    )
    return action_row(action)


class LigneResultat(Schema):
    reponse: str = Field(description="La réponse (« Répondants » : tous ceux de la question).")
    valeurs: list[int | None] = Field(
        description="Nombre de répondants par colonne ; null : masqué par le secret."
    )


class ResultatQuestion(Schema):
    id: int = Field(description="Identifiant ESSor de la question.")
    intitule: str = Field(description="La question.")
    type: str = Field(description="single, multiple, scale, number, short_text, long_text…")
    repondants: int = Field(description="Nombre de répondants à cette question.")
    colonnes: list[str] = Field(description="« Ensemble », puis les catégories du croisement.")
    lignes: list[LigneResultat] = Field(description="Les réponses comptées (questions à choix).")
    moyenne: float | None = Field(
        description="Questions numériques : la moyenne, null si masquée ou sans objet."
    )


class ResultatsQuestionnaire(Schema):
    questionnaire: int = Field(description="Identifiant ESSor du questionnaire.")
    titre: str = Field(description="Titre du questionnaire.")
    concertation: str = Field(description="Adresse de la concertation.")
    reponses: int = Field(description="Nombre de réponses envoyées.")
    seuil: int = Field(description="Aucune case ne montre moins de répondants que ce seuil.")
    croisement: str | None = Field(description="famille, secteur ou departement ; null : aucun.")
    questions: list[ResultatQuestion] = Field(description="Les questions, dans l'ordre.")


RESULT_COLUMNS = ["question", "intitule", "reponse", "colonne", "valeur"]


@endpoint(
    router,
    "/questionnaires/{questionnaire_id}/resultats/",
    ResultatsQuestionnaire,
    errors=(404,),
    alternate=CSV_RESPONSE_DOC,
    summary="Les résultats publiés d'un questionnaire",
    description=(
        "Les réponses comptées, question par question, éventuellement croisées par la "
        "famille, le secteur ou le département de la structure du répondant, avec le "
        "secret : une case de moins de `seuil` répondants vaut null (et d'autres peuvent "
        "l'être pour qu'on ne la retrouve pas par soustraction). Les réponses libres et "
        "individuelles ne sont jamais publiées. " + FORMAT_DESCRIPTION
    ),
    operation_id="lire_resultats_questionnaire",
)
def questionnaire_results(
    request,
    questionnaire_id: id_param("Identifiant ESSor du questionnaire."),
    croiser: Annotated[
        Literal[tuple(Breakdown.values)],
        Query(None, description="Croiser par la structure du répondant."),
    ] = None,
    format: FormatParam = None,
):
    questionnaire = found_or_404(
        Questionnaire.objects.filter(
            pk=questionnaire_id, results_published=True, process__in=Process.objects.published()
        ).select_related("process"),
        "Ce questionnaire n'existe pas ou ses résultats ne sont pas publiés.",
    )
    results = questionnaire_services.results(questionnaire, croiser, public=True)
    questions = [
        {
            "id": r["question"].pk,
            "intitule": r["question"].label,
            "type": r["kind"],
            "repondants": r["respondents"],
            "colonnes": [label for _, label in r.get("columns", [])],
            "lignes": [
                {"reponse": row["label"], "valeurs": row["cells"]} for row in r.get("rows", [])
            ],
            "moyenne": r.get("mean"),
        }
        for r in results["questions"]
    ]
    if wants_csv(request):
        rows = (
            {"question": q["id"], "intitule": q["intitule"], "reponse": line["reponse"],
             "colonne": column, "valeur": "secret" if value is None else value}
            for q in questions
            for line in q["lignes"]
            for column, value in zip(q["colonnes"], line["valeurs"], strict=True)
        )  # fmt: skip
        return csv_response(rows, RESULT_COLUMNS, f"essor-resultats-{questionnaire.pk}.csv")
    return {
        "questionnaire": questionnaire.pk,
        "titre": questionnaire.title,
        "concertation": questionnaire.process.slug,
        "reponses": results["total"],
        "seuil": questionnaire_services.MIN_CELL,
        "croisement": croiser,
        "questions": questions,
    }
