"""Test data of the observatory: a SIRENE-format stock generated with the official
column names and imported by the real importer, and an independent computation of the
indicators in plain SQL (written here, separately from essor.observatory)."""

import csv
import io
import random
from datetime import date, timedelta
from pathlib import Path

from django.core.management import call_command
from django.db import connection

from essor.directory.enums import AdministrativeStatus, EssFamily, Source
from essor.directory.identifiers import with_luhn_key
from essor.directory.models import Establishment, Organisation
from essor.territories.models import Commune

SIRENE_FIXTURES = Path(__file__).parent / "data" / "sirene"

# The columns of INSEE's stock files that the generator fills; the header itself is
# copied from the official-format fixtures when they are there.
UNIT_COLUMNS = [
    "siren", "statutDiffusionUniteLegale", "unitePurgeeUniteLegale", "dateCreationUniteLegale",
    "sigleUniteLegale", "identifiantAssociationUniteLegale", "trancheEffectifsUniteLegale",
    "dateDebut", "etatAdministratifUniteLegale", "denominationUniteLegale",
    "categorieJuridiqueUniteLegale", "activitePrincipaleUniteLegale",
    "nomenclatureActivitePrincipaleUniteLegale", "nicSiegeUniteLegale",
    "economieSocialeSolidaireUniteLegale", "societeMissionUniteLegale",
    "caractereEmployeurUniteLegale",
]  # fmt: skip
ESTABLISHMENT_COLUMNS = [
    "siren", "nic", "siret", "statutDiffusionEtablissement", "dateCreationEtablissement",
    "trancheEffectifsEtablissement", "etablissementSiege", "libelleVoieEtablissement",
    "codePostalEtablissement", "libelleCommuneEtablissement", "codeCommuneEtablissement",
    "dateDebut", "etatAdministratifEtablissement", "enseigne1Etablissement",
    "activitePrincipaleEtablissement", "nomenclatureActivitePrincipaleEtablissement",
    "caractereEmployeurEtablissement",
]  # fmt: skip

# (legal category, ESS flag, weight): associations, SCOP, mutuals, foundations, ESS
# commercial companies, and companies outside the ESS (which the import leaves out).
LEGAL_FORMS = [
    ("9220", "", 55), ("5458", "O", 12), ("8210", "", 8), ("9300", "", 5),
    ("5710", "O", 8), ("5710", "N", 6), ("9240", "", 2), ("5499", "", 4),
]  # fmt: skip
NAF_CODES = [
    "88.10A", "88.99B", "87.10A", "64.19Z", "65.12Z", "85.59A", "86.10Z", "93.12Z",
    "90.01Z", "55.20Z", "47.11D", "43.21A", "70.22Z", "94.99Z", "01.61Z", "62.01Z",
]  # fmt: skip
BANDS = ["", "NN", "00", "01", "01", "02", "02", "03", "11", "11", "12", "21", "22", "32"]
DEPARTEMENTS = ["87", "86", "33", "19"]


def _header(name, fallback):
    path = SIRENE_FIXTURES / name
    if path.exists():
        with path.open(encoding="utf-8", newline="") as f:
            return next(csv.reader(f))
    return fallback


def _random_date(rng, first, last):
    return first + timedelta(days=rng.randrange((last - first).days + 1))


def generate_sirene_stock(directory, *, units=320, seed=75, today=None):
    """Write StockUniteLegale and StockEtablissement files (INSEE's column names,
    comma-separated, UTF-8) into `directory`; return their paths."""
    rng = random.Random(seed)
    today = today or date.today()
    communes = []
    for departement in DEPARTEMENTS:
        # The largest communes, so that the EPCI and commune cells are not all secret.
        communes += list(
            Commune.objects.filter(
                departement_id=departement, parent__isnull=True, epci__isnull=False
            ).order_by("-population", "code")[:6]
        )
    forms = [(category, flag) for category, flag, weight in LEGAL_FORMS for _ in range(weight)]
    unit_rows, establishment_rows = [], []
    for index in range(units):
        siren = with_luhn_key(f"{31000000 + index * 7:08d}")
        category, flag = rng.choice(forms)
        closed_unit = rng.random() < 0.04
        created = _random_date(rng, date(1975, 1, 1), today - timedelta(days=30))
        naf = rng.choice(NAF_CODES)
        sites = rng.choice([1, 1, 1, 2, 2, 3, 5])
        home = rng.choice(communes)
        unit_rows.append(
            {
                "siren": siren,
                "statutDiffusionUniteLegale": "O",
                "unitePurgeeUniteLegale": "",
                "dateCreationUniteLegale": created.isoformat(),
                "identifiantAssociationUniteLegale": "",
                "dateDebut": created.isoformat(),
                "etatAdministratifUniteLegale": "C" if closed_unit else "A",
                "denominationUniteLegale": f"STRUCTURE DE TEST {index}",
                "categorieJuridiqueUniteLegale": category,
                "activitePrincipaleUniteLegale": naf,
                "nomenclatureActivitePrincipaleUniteLegale": "NAFRev2",
                "nicSiegeUniteLegale": "00010",
                "economieSocialeSolidaireUniteLegale": flag,
                "societeMissionUniteLegale": "",
                "caractereEmployeurUniteLegale": "O",
            }
        )
        for site in range(sites):
            nic = f"{(site + 1) * 10:05d}"[:4]
            siret = with_luhn_key(siren + nic)
            commune = home if site == 0 or rng.random() < 0.5 else rng.choice(communes)
            band = rng.choice(BANDS)
            opened = created if site == 0 else _random_date(rng, created, today)
            closed = closed_unit or rng.random() < 0.12
            closed_on = _random_date(rng, opened, today) if closed else None
            establishment_rows.append(
                {
                    "siren": siren,
                    "nic": siret[9:],
                    "siret": siret,
                    "statutDiffusionEtablissement": "O" if rng.random() < 0.95 else "P",
                    "dateCreationEtablissement": opened.isoformat(),
                    "trancheEffectifsEtablissement": band,
                    "etablissementSiege": "true" if site == 0 else "false",
                    "libelleVoieEtablissement": "DE LA REPUBLIQUE",
                    "codePostalEtablissement": (commune.postal_codes or [""])[0],
                    "libelleCommuneEtablissement": commune.name.upper(),
                    "codeCommuneEtablissement": commune.code,
                    "dateDebut": (closed_on or opened).isoformat(),
                    "etatAdministratifEtablissement": "F" if closed else "A",
                    "enseigne1Etablissement": "",
                    "activitePrincipaleEtablissement": naf
                    if rng.random() < 0.7
                    else rng.choice(NAF_CODES),
                    "nomenclatureActivitePrincipaleEtablissement": "NAFRev2",
                    "caractereEmployeurEtablissement": "N" if band in ("", "NN") else "O",
                }
            )
    units_path = Path(directory) / "StockUniteLegale_test.csv"
    establishments_path = Path(directory) / "StockEtablissement_test.csv"
    for path, header, rows in (
        (units_path, _header("StockUniteLegale_utf8.csv", UNIT_COLUMNS), unit_rows),
        (
            establishments_path,
            _header("StockEtablissement_utf8.csv", ESTABLISHMENT_COLUMNS),
            establishment_rows,
        ),
    ):
        with path.open("w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=header, restval="", extrasaction="ignore")
            writer.writeheader()
            writer.writerows(rows)
    return units_path, establishments_path


def import_sirene(units_path, establishments_path):
    call_command(
        "import_sirene",
        "--unites-legales",
        str(units_path),
        "--etablissements",
        str(establishments_path),
        verbosity=0,
        stdout=io.StringIO(),
    )


# --- Constructed cases -----------------------------------------------------------------


def make_establishments(
    commune,
    count,
    *,
    family=EssFamily.ASSOCIATION,
    naf="94.99Z",
    band="01",
    employer=True,
    status=AdministrativeStatus.ACTIVE,
    created_on=None,
    closed_on=None,
    synthetic=False,
):
    """`count` establishments, each of its own organisation, with the values a SIRENE
    import would set."""
    commune_code = getattr(commune, "code", commune)
    made = []
    for _ in range(count):
        organisation = Organisation.objects.create(
            name="Structure de test",
            ess_family=family,
            legal_category="9220",
            source=Source.SYNTHETIC if synthetic else Source.SIRENE,
            is_synthetic=synthetic,
        )
        made.append(
            Establishment.objects.create(
                organisation=organisation,
                commune_id=commune_code,
                naf=naf,
                headcount_band=band,
                is_employer=employer,
                status=status,
                created_on=created_on,
                closed_on=closed_on,
                source=organisation.source,
                is_synthetic=synthetic,
            )
        )
    return made


# --- Independent computation in SQL ----------------------------------------------------

# Written from the ESS sectors of the issue and INSEE's NAF divisions, independently of
# essor.directory.nomenclatures.
SECTOR_OF_DIVISION = {
    **dict.fromkeys(["87", "88"], "action_sociale"),
    **dict.fromkeys(["64", "65", "66"], "finance_assurance"),
    "85": "enseignement",
    "86": "sante",
    **dict.fromkeys(["90", "91"], "arts_spectacles"),
    "93": "sport_loisirs",
    **dict.fromkeys(["55", "56"], "hebergement_restauration"),
    **dict.fromkeys(["45", "46", "47"], "commerce"),
    **dict.fromkeys(
        [f"{d:02d}" for d in range(5, 44) if d not in (34, 40)], "industrie_construction"
    ),
    **dict.fromkeys([f"{d:02d}" for d in range(69, 83) if d != 76], "soutien_entreprises"),
}
# Centre of each INSEE headcount band; 10 000 for "10 000 salariés et plus".
BAND_CENTRES = {
    "01": 1.5, "02": 4, "03": 7.5, "11": 14.5, "12": 34.5, "21": 74.5, "22": 149.5,
    "31": 224.5, "32": 374.5, "41": 749.5, "42": 1499.5, "51": 3499.5, "52": 7499.5,
    "53": 10000,
}  # fmt: skip

TERRITORY_SQL = {
    "region": "c.region_id",
    "departement": "c.departement_id",
    "epci": "c.epci_id",
    "commune": "COALESCE(c.parent_id, c.code)",
}


def _sector_sql():
    whens = " ".join(
        f"WHEN SUBSTR(e.naf, 1, 2) = '{division}' THEN '{sector}'"
        for division, sector in SECTOR_OF_DIVISION.items()
    )
    return f"(CASE {whens} ELSE 'autres' END)"


def _employees_sql():
    whens = " ".join(
        f"WHEN e.headcount_band = '{band}' THEN {centre}" for band, centre in BAND_CENTRES.items()
    )
    return f"(CASE WHEN e.is_employer THEN (CASE {whens} ELSE 0 END) ELSE 0 END)"


CATEGORY_SQL = {
    "total": "''",
    "family": "o.ess_family",
    "sector": _sector_sql(),
    "size": "e.headcount_band",
    "family_sector": f"o.ess_family || ':' || {_sector_sql()}",
}
FROM_SQL = """
    FROM directory_establishment e
    JOIN directory_organisation o ON o.id = e.organisation_id
    JOIN territories_commune c ON c.code = e.commune_id
    WHERE o.ess_family <> ''
"""


def _group_by(*expressions):
    # PostgreSQL refuses a constant in GROUP BY (the total's empty category).
    return ", ".join(e for e in expressions if e != "''")


def sql_stock(level, breakdown):
    """{(code, category): (establishments, employer establishments, employees)} of the
    active ESS establishments, computed in SQL."""
    territory, category = TERRITORY_SQL[level], CATEGORY_SQL[breakdown]
    query = f"""
        SELECT {territory}, {category}, COUNT(*),
               SUM(CASE WHEN e.is_employer THEN 1 ELSE 0 END),
               SUM({_employees_sql()})
        {FROM_SQL} AND e.status = 'active' AND {territory} IS NOT NULL
        GROUP BY {_group_by(territory, category)}
    """  # noqa: S608 - constants only
    with connection.cursor() as cursor:
        cursor.execute(query)
        return {
            (code, cat): (n, employers, float(employees))
            for code, cat, n, employers, employees in cursor
        }


def _year_sql(column):
    if connection.vendor == "postgresql":
        return f"CAST(EXTRACT(YEAR FROM {column}) AS INTEGER)"
    return f"CAST(strftime('%%Y', {column}) AS INTEGER)"


def _month_sql(column):
    if connection.vendor == "postgresql":
        return f"CAST(EXTRACT(MONTH FROM {column}) AS INTEGER)"
    return f"CAST(strftime('%%m', {column}) AS INTEGER)"


def sql_flows(level, breakdown, column, *, monthly=False, first_year=1900):
    """{(code, category, year, month): count} of establishments created (column
    e.created_on) or closed (e.closed_on), computed in SQL; month 0 for a year."""
    territory, category = TERRITORY_SQL[level], CATEGORY_SQL[breakdown]
    year = _year_sql(f"e.{column}")
    month = _month_sql(f"e.{column}") if monthly else year  # (a constant is not groupable)
    query = f"""
        SELECT {territory}, {category}, {year}, {month}, COUNT(*)
        {FROM_SQL} AND e.{column} IS NOT NULL AND {territory} IS NOT NULL AND {year} >= %s
        GROUP BY {_group_by(territory, category, year, month)}
    """  # noqa: S608 - constants only
    with connection.cursor() as cursor:
        cursor.execute(query, [first_year])
        return {(code, cat, y, m if monthly else 0): n for code, cat, y, m, n in cursor}
