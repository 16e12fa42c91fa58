"""The API's errors, in French: their schemas, and the handlers that write them.

A router refuses a parameter that passed validation but makes no sense with the
others by raising InvalidParameter: the answer has the shape of a validation error."""

from django.http import Http404
from ninja import Field, Schema
from ninja.errors import HttpError, Throttled, ValidationError

from .params import FORMAT_HINTS

# --- Schemas ---------------------------------------------------------------------------
# Named in French: the class names are the schema names that the API's users read.


class Erreur(Schema):
    detail: str = Field(description="Explication de l'erreur, en français.")


class ErreurParametre(Schema):
    parametre: str = Field(description="Nom du paramètre refusé.")
    message: str = Field(description="Ce qui ne va pas, en français.")


class ErreurValidation(Erreur):
    erreurs: list[ErreurParametre] = Field(description="Détail paramètre par paramètre.")


# The errors every endpoint may answer; a detail endpoint adds {404: Erreur}.
ERRORS = {400: ErreurValidation, 429: Erreur}
RETRY_AFTER_DOC = {
    429: {
        "headers": {
            "Retry-After": {
                "description": "Nombre de secondes à attendre avant de réessayer.",
                "schema": {"type": "integer"},
            }
        }
    }
}


class InvalidParameter(HttpError):
    """A 400 about one parameter, e.g. InvalidParameter("categorie", "catégorie inconnue")."""

    def __init__(self, parameter, message):
        super().__init__(400, message)
        self.parameter = parameter


# --- Messages --------------------------------------------------------------------------

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


def _invalid(api, request, errors):
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


def install_handlers(api, retry_period):
    """French answers for bad parameters (400), unknown objects (404), too many
    requests (429, waiting at most `retry_period` seconds)."""

    @api.exception_handler(ValidationError)
    def validation_error(request, exc):
        return _invalid(api, request, [_french_message(error) for error in exc.errors])

    @api.exception_handler(InvalidParameter)
    def invalid_parameter(request, exc):
        return _invalid(api, request, [(exc.parameter, exc.message)])

    @api.exception_handler(Throttled)
    def throttled(request, exc):
        wait = int(exc.wait or retry_period)
        return api.create_response(
            request,
            {"detail": f"Trop de requêtes : réessayez dans {wait} secondes."},
            status=429,
        )

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return api.create_response(request, {"detail": "Ressource introuvable."}, status=404)
