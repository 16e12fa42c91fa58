"""ESSor's open-data API (django-ninja), mounted at /api/.

Its OpenAPI schema is served at /api/openapi.json and described at /api/docs, a page of
our own: ninja's Swagger UI would load its scripts from a CDN, which the content
security policy forbids and an offline instance cannot reach."""

import threading

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from ninja import NinjaAPI
from ninja.errors import Throttled, ValidationError
from ninja.openapi.docs import DocsBase
from ninja.throttling import BaseThrottle

from essor.core.ratelimit import client_ip, hit
from essor.core.text import render_markdown
from essor.directory.api import FORMAT_HINTS, wants_csv
from essor.directory.api import router as directory_router
from essor.financing.api import router as financing_router
from essor.observatory.api import router as observatory_router

# Requests per minute and client IP; settings.ESSOR_API_RATE_LIMIT overrides it, and
# None there switches the limit off (the schemathesis run does).
DEFAULT_RATE_LIMIT = {"json": 60, "csv": 10}
RATE_LIMIT_PERIOD = 60

DESCRIPTION = """
L'API ouverte d'ESSor publie, en lecture seule et sans authentification, l'annuaire
des structures de l'économie sociale et solidaire (ESS) et de leurs établissements, les
indicateurs de l'observatoire et le catalogue des outils de financement.

- **Périmètre** : les structures de l'ESS en activité publiées dans l'annuaire, et leurs
  établissements. Aucune donnée sur des personnes (comptes, membres, demandes) n'est
  publiée, ni les e-mails et téléphones de contact. L'adresse et la position d'un
  établissement en diffusion partielle (statut de diffusion SIRENE « P ») ne sont pas
  publiées. Seuls les outils de financement publiés sont listés, sans leur ligne de
  contact.
- **Données de démonstration** : les lignes fictives portent `"fictif": true` (les
  outils de financement aux montants et dates illustratifs, `"illustratif": true`).
- **Pagination** : `limit` (au plus 100) et `offset` ; la réponse donne le `total`.
- **CSV** : les listes acceptent `format=csv` (ou l'en-tête `Accept: text/csv`) ; le
  fichier, séparé par des points-virgules, encodé en UTF-8 avec BOM, contient toutes les
  lignes qui répondent aux filtres, avec les mêmes noms de colonnes que le JSON.
- **Limites** : par défaut, 60 requêtes JSON et 10 exports CSV par minute et par adresse IP ;
  au-delà, la réponse 429 dit dans combien de secondes réessayer (en-tête `Retry-After`).
- **Erreurs** : un paramètre invalide reçoit une réponse 400 qui explique, en français,
  ce qui est attendu.
"""


class ClientIpThrottle(BaseThrottle):
    """Fixed-window limit per client IP, on the platform's shared rate limiter."""

    def __init__(self):
        # One instance serves every request: the wait of this thread's request is here.
        self._local = threading.local()

    def allow_request(self, request):
        limits = getattr(settings, "ESSOR_API_RATE_LIMIT", DEFAULT_RATE_LIMIT)
        if not limits:
            return True
        scope = "csv" if wants_csv(request) else "json"
        limit = limits.get(scope, DEFAULT_RATE_LIMIT[scope])
        retry_after = hit(f"api-{scope}:{client_ip(request)}", limit, RATE_LIMIT_PERIOD)
        self._local.retry_after = retry_after
        return not retry_after

    def wait(self):
        return getattr(self._local, "retry_after", None) or None


JSON_TYPES = {
    "string": "texte",
    "integer": "entier",
    "number": "nombre",
    "boolean": "booléen",
    "array": "liste",
    "object": "objet",
    "null": "vide",
}


def _type_label(definition):
    """ "texte ou vide", "liste de Label"... from a JSON schema property."""
    if "$ref" in definition:
        return definition["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in definition:
        return " ou ".join(_type_label(option) for option in definition["anyOf"])
    if definition.get("type") == "array":
        return "liste de " + _type_label(definition.get("items", {}))
    label = JSON_TYPES.get(definition.get("type", ""), "valeur")
    if definition.get("format") in {"date", "date-time"}:
        label = "date" if definition["format"] == "date" else "date et heure"
    return label


class EndpointList(DocsBase):
    """The documentation page: every operation with its parameters, from the schema."""

    def render_page(self, request, api, **kwargs):
        schema = api.get_openapi_schema(path_params=kwargs)
        operations = []
        for path, methods in schema["paths"].items():
            for method, operation in methods.items():
                operations.append(
                    {
                        "method": method.upper(),
                        "path": path,
                        "summary": operation.get("summary", ""),
                        "description": render_markdown(operation.get("description", "")),
                        "parameters": [
                            {
                                "name": parameter["name"],
                                "location": "chemin" if parameter["in"] == "path" else "requête",
                                "required": parameter.get("required", False),
                                "description": render_markdown(parameter.get("description", "")),
                            }
                            for parameter in operation.get("parameters", [])
                        ],
                    }
                )
        models = [
            {
                "name": name,
                "fields": [
                    {
                        "name": field,
                        "type": _type_label(definition),
                        "description": render_markdown(definition.get("description", "")),
                    }
                    for field, definition in component.get("properties", {}).items()
                ],
            }
            for name, component in schema.get("components", {}).get("schemas", {}).items()
        ]
        return render(
            request,
            "api/docs.html",
            {
                "title": api.title,
                "version": api.version,
                "description": render_markdown(api.description),
                "operations": operations,
                "models": models,
                "openapi_url": self.get_openapi_url(api, kwargs),
            },
        )


api = NinjaAPI(
    title="API ouverte d'ESSor",
    version="1.0.0",
    description=DESCRIPTION,
    urls_namespace="api",
    docs=EndpointList(),
    throttle=ClientIpThrottle(),
)
api.add_router("/", directory_router)
api.add_router("/observatoire/", observatory_router)
api.add_router("/financements/", financing_router)


# --- Errors, in French -----------------------------------------------------------------

VALIDATION_MESSAGES = {
    "missing": "ce paramètre est obligatoire",
    "int_parsing": "un nombre entier est attendu",
    "int_from_float": "un nombre entier est attendu",
    "bool_parsing": "true ou false est attendu",
    "string_type": "un texte est attendu",
    "greater_than_equal": "la valeur doit être supérieure ou égale à {ge}",
    "less_than_equal": "la valeur doit être inférieure ou égale à {le}",
    "string_too_long": "{max_length} caractères au plus",
    "literal_error": "valeur inconnue ; valeurs possibles : {expected}",
    "enum": "valeur inconnue ; valeurs possibles : {expected}",
}


def _french_message(error):
    name = str(error.get("loc", ["", ""])[-1])
    kind = error.get("type", "")
    if kind == "string_pattern_mismatch":
        return name, FORMAT_HINTS.get(name, "format invalide")
    template = VALIDATION_MESSAGES.get(kind, "valeur invalide")
    context = {key: str(value) for key, value in (error.get("ctx") or {}).items()}
    context["expected"] = context.get("expected", "").replace("'", "").replace(" or ", ", ")
    try:
        return name, template.format(**context)
    except KeyError:
        return name, "valeur invalide"


@api.exception_handler(ValidationError)
def validation_error(request, exc):
    errors = [_french_message(error) for error in exc.errors]
    heading = "Paramètre invalide" if len(errors) == 1 else "Paramètres invalides"
    detail = f"{heading} : " + " ; ".join(f"« {name} » : {message}" for name, message in errors)
    return api.create_response(
        request,
        {
            "detail": detail + ".",
            "erreurs": [{"parametre": name, "message": message} for name, message in errors],
        },
        status=400,
    )


@api.exception_handler(Throttled)
def throttled(request, exc):
    wait = int(exc.wait or RATE_LIMIT_PERIOD)
    return api.create_response(
        request,
        {"detail": f"Trop de requêtes : réessayez dans {wait} secondes."},
        status=429,
    )


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": "Ressource introuvable."}, status=404)
