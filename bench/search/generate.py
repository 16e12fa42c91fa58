"""A reproducible national directory: 180,000 organisations and 250,000 establishments
(about all the ESS employer establishments of France) placed in real communes.

Fixed seed, fixed vocabulary: two runs write the same rows. The rows go in by batches,
one statement per table and batch (PostgreSQL: COPY; SQLite: one prepared INSERT), so
that the search index is built by its database triggers, as after an import — the time
it takes is part of the report. A stopped build goes on from its last whole batch."""

import enum
import json
import math
import random
import time

from django.db import connection, models, transaction

from essor.directory.enums import CoordinatePrecision, EssFamily, Source
from essor.directory.identifiers import with_luhn_key
from essor.directory.models import Establishment, Label, Organisation
from essor.territories.models import Commune

SEED = 2016
BATCH = 5000
MAX_NETWORK = 1500

# (family, share of organisations, legal categories, NAF codes with weights)
FAMILIES = [
    (EssFamily.ASSOCIATION, 0.80, ["9220", "9230", "9210"], {
        "88.99B": 14, "94.99Z": 14, "88.10A": 8, "88.10C": 5, "85.59A": 6, "85.59B": 5,
        "93.12Z": 8, "90.01Z": 4, "87.30A": 3, "88.91A": 4, "87.20A": 3, "86.90D": 2,
        "93.29Z": 4, "91.02Z": 1, "55.20Z": 1, "85.10Z": 2, "94.11Z": 2, "81.30Z": 2,
    }),
    (EssFamily.COOPERATIVE, 0.12, ["5458", "5560", "6316", "5459"], {
        "64.19Z": 10, "01.61Z": 5, "46.31Z": 2, "43.21A": 3, "62.01Z": 3, "71.12B": 2,
        "47.11B": 3, "10.51A": 1, "70.22Z": 3, "56.10A": 2, "49.41A": 2, "82.99Z": 2,
    }),
    (EssFamily.MUTUAL, 0.03, ["8210", "8250"], {"65.12Z": 5, "65.11Z": 3, "86.10Z": 2}),
    (EssFamily.FOUNDATION, 0.015, ["9300"], {"86.10Z": 2, "87.10A": 3, "72.19Z": 1, "88.99B": 2}),
    (EssFamily.COMMERCIAL, 0.035, ["5710", "5499"], {
        "88.10A": 2, "38.11Z": 2, "56.10A": 2, "62.01Z": 1, "70.22Z": 1, "81.21Z": 1,
    }),
]  # fmt: skip

NAME_HEADS = {
    EssFamily.ASSOCIATION: ["Association", "Les Amis de", "Comité", "Union", "Foyer", "Maison",
                            "Centre social", "Ligue", "Cercle", "Atelier", "Réseau"],
    EssFamily.COOPERATIVE: ["Coopérative", "SCOP", "SCIC", "CUMA", "Caisse", "Coop"],
    EssFamily.MUTUAL: ["Mutuelle", "Mutualité", "Caisse mutuelle"],
    EssFamily.FOUNDATION: ["Fondation", "Fonds"],
    EssFamily.COMMERCIAL: ["Entreprise solidaire", "Société", "Atelier solidaire"],
}  # fmt: skip
THEMES = [
    "d'aide à domicile", "des jardins partagés", "de l'économie solidaire", "sportive",
    "culturelle", "d'insertion", "pour l'emploi", "de la petite enfance", "des familles",
    "du patrimoine", "de musique", "de théâtre", "des aînés", "de santé", "du logement",
    "de formation", "d'éducation populaire", "des loisirs", "de recyclage", "du vélo",
    "agricole", "de l'habitat", "des énergies renouvelables", "du numérique", "de la mer",
    "de randonnée", "du commerce équitable", "de services", "d'entraide", "de solidarité",
    "des parents d'élèves", "de football", "de tennis", "de danse", "des arts", "du livre",
]  # fmt: skip
DESCRIPTIONS = [
    "Nous accompagnons les habitants de {commune} au quotidien.",
    "Structure {family} implantée à {commune}, ouverte à tous.",
    "Activités {theme} pour le territoire de {commune} et ses environs.",
    "Projet collectif au service de l'économie sociale et solidaire à {commune}.",
    "Insertion, formation et emploi : nous agissons pour l'inclusion à {commune}.",
    "",
]
SIGNS = ["Antenne", "Boutique solidaire", "Épicerie sociale", "Crèche", "Ressourcerie",
         "Agence", "Point accueil", "Atelier", "Résidence", "Centre de loisirs"]  # fmt: skip
BANDS = {"NN": 2, "00": 3, "01": 22, "02": 18, "03": 14, "11": 14, "12": 11, "21": 7,
         "22": 4, "31": 2, "32": 1.5, "41": 0.8, "42": 0.4, "51": 0.2, "52": 0.1, "53": 0.05}  # fmt: skip


def _weighted(rng, mapping):
    keys = list(mapping)
    return rng.choices(keys, weights=[mapping[k] for k in keys])[0]


def _communes():
    rows = list(
        Commune.objects.filter(latitude__isnull=False, parent__isnull=True)
        .order_by("code")
        .values_list("code", "name", "population", "latitude", "longitude", "postal_codes")
    )
    # ESS establishments follow population, with a floor for rural communes.
    weights = [max(p or 0, 150) ** 0.9 for _, _, p, _, _, _ in rows]
    return rows, weights


def _draws(rng, organisations, establishments):
    """Extra establishments go to one organisation in six; a few are large networks (the
    biggest ESS legal units have a thousand establishments and more)."""
    owners = rng.sample(range(organisations), k=organisations // 6)
    extra_counts = [0] * organisations
    remaining = establishments - organisations
    while remaining > 0:
        size = min(int(rng.paretovariate(1.3)), MAX_NETWORK, remaining)
        extra_counts[rng.choice(owners)] += size
        remaining -= size
    return extra_counts


class _Rows:
    """Rows of a table as tuples of every column but the id: a template of the model's
    defaults (as the database stores them), the drawn columns put in."""

    def __init__(self, model, drawn, **fixed):
        instance = model(**fixed)
        self.fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        self.template = []
        for field in self.fields:
            value = field.pre_save(instance, add=True)
            if isinstance(field, models.JSONField):
                value = json.dumps(value)
            else:
                value = field.get_db_prep_save(value, connection)
            # A TextChoices member: its value (the driver would write an Enum's name).
            self.template.append(value.value if isinstance(value, enum.Enum) else value)
        names = [f.attname for f in self.fields]
        self.positions = [names.index(name) for name in drawn]
        self.table = model._meta.db_table

    def row(self, values):
        row = list(self.template)
        for position, value in zip(self.positions, values, strict=True):
            row[position] = value
        return row

    def write(self, rows, ids=None):
        columns = [f.column for f in self.fields]
        if ids is not None:
            columns = ["id", *columns]
            rows = [[i, *row] for i, row in zip(ids, rows, strict=True)]
        quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # One COPY: the statement triggers index the whole batch at once.
                with cursor.cursor.copy(f"COPY {self.table} ({quoted}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(columns))
                insert = f"INSERT INTO {self.table} ({quoted}) VALUES ({marks})"  # noqa: S608
                cursor.executemany(insert, rows)


ORG_DRAWN = ("siren", "name", "acronym", "legal_category", "ess_family", "is_esus", "description")
SITE_DRAWN = ("organisation_id", "name", "commune_id", "postal_code", "latitude", "longitude",
              "naf", "headcount_band", "is_head_office")  # fmt: skip


def _next_id(model):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {model._meta.db_table}")  # noqa: S608
        return cursor.fetchone()[0] + 1


def _move_sequence(model):
    """After ids written by hand, PostgreSQL's identity goes on after them."""
    if connection.vendor == "postgresql":
        table = model._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                f"(SELECT MAX(id) FROM {table}))"
            )


class _Places:
    def __init__(self):
        self.communes, weights = _communes()
        self.by_dep = {}
        for index, row in enumerate(self.communes):
            key = row[0][:3] if row[0].startswith("97") else row[0][:2]
            self.by_dep.setdefault(key, []).append(index)
        self.cumulative = []
        total = 0.0
        for w in weights:
            total += w
            self.cumulative.append(total)
        self.indexes = range(len(self.communes))

    def draw(self, rng):
        return rng.choices(self.indexes, cum_weights=self.cumulative)[0]


def _organisation(rng, index, places, family_weights):
    """(drawn columns, commune index, NAF weights) of the index-th organisation."""
    family, _, categories, nafs = rng.choices(FAMILIES, weights=family_weights)[0]
    commune_index = places.draw(rng)
    commune = places.communes[commune_index]
    theme = rng.choice(THEMES)
    name = f"{rng.choice(NAME_HEADS[family])} {theme} de {commune[1]}"
    if rng.random() < 0.3:
        name = f"{rng.choice(NAME_HEADS[family])} {rng.choice(THEMES)} {theme}"[:250]
    description = rng.choice(DESCRIPTIONS).format(
        commune=commune[1], family=family.label.lower(), theme=theme
    )
    acronym = (
        "".join(w[0] for w in name.split()[:4] if w[0].isalpha()).upper()
        if rng.random() < 0.25
        else ""
    )
    values = (
        with_luhn_key(f"{80_000_000 + index:08d}"),
        name,
        acronym,
        rng.choice(categories),
        family.value,
        rng.random() < 0.03,
        description,
    )
    return values, commune_index, nafs


def _establishments(rng, org_id, commune_index, nafs, more, places):
    """The drawn columns of an organisation's establishments, its head office first."""
    communes = places.communes
    dep_key = communes[commune_index][0][:2]
    rows = []
    for n in range(1 + more):
        if n == 0:
            place = commune_index
        elif rng.random() < 0.7 and places.by_dep.get(dep_key):
            place = rng.choice(places.by_dep[dep_key])
        else:
            place = places.draw(rng)
        code, _, _, lat, lon, postal_codes = communes[place]
        # Within about 2 km of the commune's centre.
        jitter_lat = rng.gauss(0, 0.012)
        jitter_lon = rng.gauss(0, 0.012 / max(math.cos(math.radians(lat)), 0.2))
        # Most establishments have no sign of their own.
        name = f"{rng.choice(SIGNS)} de {communes[place][1]}" if n and rng.random() < 0.2 else ""
        rows.append(
            (org_id, name, code, postal_codes[0] if postal_codes else "",
             round(lat + jitter_lat, 6), round(lon + jitter_lon, 6),
             _weighted(rng, nafs), _weighted(rng, BANDS), n == 0)
        )  # fmt: skip
    return rows


def generate(organisations=180_000, establishments=250_000, out=print):
    """Write the synthetic directory; returns {"seconds": ..., "rows": ...}."""
    rng = random.Random(SEED)
    places = _Places()
    labels = list(Label.objects.order_by("code").values_list("pk", flat=True))
    extra_counts = _draws(rng, organisations, establishments)
    # Restartable: batches are committed whole, so a stopped build left whole batches; the
    # draws of those are made again (same seed, same rows) and their writes skipped.
    done = Organisation.objects.filter(is_synthetic=True).count()
    if done % BATCH or done > organisations:
        raise RuntimeError(f"{done} structures déjà écrites : pas un nombre de lots entiers")
    if done:
        out(f"  reprise après {done:,} structures")
    org_rows = _Rows(Organisation, ORG_DRAWN, source=Source.SYNTHETIC, is_synthetic=True)
    site_rows = _Rows(
        Establishment, SITE_DRAWN, source=Source.SYNTHETIC, is_synthetic=True,
        is_employer=True, coordinate_precision=CoordinatePrecision.ADDRESS,
    )  # fmt: skip
    through = Organisation.labels.through
    first_id = _next_id(Organisation)
    started = time.monotonic()
    family_weights = [f[1] for f in FAMILIES]
    for start in range(0, organisations, BATCH):
        size = min(BATCH, organisations - start)
        skip = start < done
        ids = range(first_id, first_id + size)
        orgs, sites = [], []
        for org_id, index in zip(ids, range(start, start + size), strict=True):
            values, commune_index, nafs = _organisation(rng, index, places, family_weights)
            orgs.append(org_rows.row(values))
            sites += _establishments(rng, org_id, commune_index, nafs, extra_counts[index], places)
        links = [
            through(organisation_id=org_id, label_id=rng.choice(labels))
            for org_id in ids
            if labels and rng.random() < 0.04
        ]
        if skip:
            continue
        with transaction.atomic():
            org_rows.write(orgs, ids)
            _move_sequence(Organisation)
            site_rows.write([site_rows.row(values) for values in sites])
            through.objects.bulk_create(links)
        first_id += size
        written = start + size
        if written % 20_000 == 0 or written == organisations:
            out(f"  {written:,} structures écrites ({time.monotonic() - started:.0f} s)")
    seconds = time.monotonic() - started
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE directory_search_org")
            cursor.execute("VACUUM ANALYZE directory_search_site")
        else:
            cursor.execute(
                "INSERT INTO directory_search_fts(directory_search_fts) VALUES ('optimize')"
            )
            cursor.execute("ANALYZE")
    return {
        "seconds": round(seconds, 1),
        "organisations": Organisation.objects.count(),
        "establishments": Establishment.objects.count(),
    }
