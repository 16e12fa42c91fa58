"""Query parameters that several routers share: pagination, territory codes, `format`.

Patterns reject what cannot be a code before it reaches the database (a NUL byte, for
one, is an error on PostgreSQL); FORMAT_HINTS says, by parameter name, what a good value
looks like when a pattern refuses one."""

from typing import Annotated, Literal

from ninja import Query

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20
# Far beyond any real directory, and within PostgreSQL's bigint for OFFSET and ids.
MAX_OFFSET = 10_000_000
MAX_ID = 2**63 - 1

DEPARTEMENT_PATTERN = r"^(0[1-9]|[1-8][0-9]|9[0-5]|2[AaBb]|97[1-8])$"
COMMUNE_PATTERN = r"^([0-9]{2}|2[AaBb])[0-9]{3}$"
EPCI_PATTERN = r"^[0-9]{9}$"

FORMAT_HINTS = {
    "departement": "code INSEE de département attendu, par exemple 87, 2A ou 971",
    "commune": "code INSEE de commune à 5 caractères attendu, par exemple 87085",
    "epci": "numéro SIREN de l'EPCI à 9 chiffres attendu",
    "naf": "code ou début de code NAF attendu, par exemple 88, 88.9 ou 88.99B",
    "label": "code de label attendu (lettres, chiffres, tirets)",
    "siret": "numéro SIRET à 14 chiffres attendu",
}

FORMAT_DESCRIPTION = (
    "`json` (par défaut) ou `csv`. Le CSV (séparateur `;`, UTF-8 avec BOM) n'est pas "
    "paginé : il contient toutes les lignes qui répondent aux filtres."
)

LimitParam = Annotated[
    int,
    Query(
        DEFAULT_PAGE_SIZE,
        ge=1,
        le=MAX_PAGE_SIZE,
        description=f"Nombre de résultats par page (au plus {MAX_PAGE_SIZE}).",
    ),
]
OffsetParam = Annotated[
    int, Query(0, ge=0, le=MAX_OFFSET, description="Nombre de résultats à sauter.")
]
FormatParam = Annotated[Literal["json", "csv"], Query(None, description=FORMAT_DESCRIPTION)]

DepartementParam = Annotated[
    str,
    Query(
        None,
        pattern=DEPARTEMENT_PATTERN,
        examples=["87"],
        description="Code INSEE du département (ex. 87, 2A).",
    ),
]
EpciParam = Annotated[
    str,
    Query(
        None,
        pattern=EPCI_PATTERN,
        examples=["248719312"],
        description="Numéro SIREN de l'intercommunalité (EPCI).",
    ),
]
CommuneParam = Annotated[
    str,
    Query(
        None,
        pattern=COMMUNE_PATTERN,
        examples=["87085"],
        description="Code INSEE de la commune (ex. 87085).",
    ),
]
