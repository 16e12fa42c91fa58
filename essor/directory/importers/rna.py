# ruff: noqa: S608 - the f-strings join the models' own table and column names
"""Import of the Répertoire national des associations (RNA, the "waldec" export).

The file is ';'-separated and ISO-8859-1; data.gouv.fr ships it as a zip holding one
CSV per département, which is read member after member. An association is linked to its
SIRENE organisation through the first nine digits of its SIRET; otherwise it gets an
organisation of its own, keyed by its RNA number, with a head office without SIRET.

Personal data never enters: the manager's civility (dir_civilite) and the management
address (adrg_*, often a private person's home) are not read."""

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from essor.core import bulk
from essor.core.bulk import connection_for
from essor.core.importing import File, Option, register

from ..enums import AdministrativeStatus, Diffusion, EssFamily, Source
from ..identifiers import is_valid_rna, is_valid_siret
from ..models import Establishment, Organisation, folded_search_text
from .base import (
    ALL_REGIONS,
    DATA_EXTENSIONS,
    Communes,
    DirectoryImporter,
    changed_fields,
    clean,
    configured_region,
    format_address,
    parse_date,
)
from .formats import RNA_HEADER

COLUMNS = [
    "id", "siret", "rup_mi", "date_creat", "date_disso", "titre", "titre_court",
    "adrs_numvoie", "adrs_repetition", "adrs_typevoie", "adrs_libvoie", "adrs_codeinsee",
    "adrs_codepostal", "siteweb", "position",
]  # fmt: skip
NO_DATE = "0001-01-01"
ORGANISATION_FIELDS = [
    "rna", "siren", "name", "acronym", "legal_category", "ess_family", "is_public_utility",
    "created_on", "closed_on", "status", "diffusion",
]  # fmt: skip
# The head office's fields that come from the file (the others follow its organisation).
PLACE_FIELDS = [
    "address", "postal_code", "commune_id", "latitude", "longitude", "coordinate_precision",
]  # fmt: skip
# Created by this run beyond which its first ANALYZE comes (RnaImporter._refresh_statistics).
STATISTICS_FLOOR = 10_000
ESTABLISHMENT_FIELDS = [*PLACE_FIELDS, "is_head_office", "status", "created_on", "closed_on"]
validate_url = URLValidator(schemes=["http", "https"])


def website(value):
    value = value.strip()
    try:
        validate_url(value)
    except ValidationError:
        return ""
    return value if len(value) <= 200 else ""


@register
class RnaImporter(DirectoryImporter):
    kind = "rna"
    label = "RNA (associations)"
    description = (
        "Importe les associations du Répertoire national des associations (export "
        "« waldec » : CSV séparé par « ; », ISO-8859-1, ou le zip d'un fichier par département)."
    )
    files = (File("file", "Fichier du RNA", extensions=DATA_EXTENSIONS),)
    options = (
        ALL_REGIONS,
        Option(
            "encoding", "Encodage du fichier RNA", help="ISO-8859-1 par défaut (export « waldec »)"
        ),
    )
    columns = COLUMNS
    known_columns = RNA_HEADER
    delimiter = ";"
    encoding = "iso-8859-1"
    several = True
    key_label = "numéro RNA"
    skip_reasons = ("associations_outside_region", "associations_deleted")

    def prepare(self):
        self.region = configured_region(self.all_regions)
        self.report["region"] = self.region or "toute la France"
        self.report |= {"linked_to_sirene": 0, "siren_conflicts": 0}
        self.communes = Communes(self.region)
        if bulk.uses_copy(Organisation):
            # (organisations at the last ANALYZE, created by this run then)
            self._analyzed = (Organisation.objects.count(), 0)

    def clean_row(self, row):
        code = clean(row["adrs_codeinsee"])
        where = self.communes.scope(code)
        if where == "out":
            return self.skip("associations_outside_region")
        if where == "unknown":
            raise ValueError(f"commune inconnue « {code} »")
        values = self._values(row)
        if values is None:
            return self.skip("associations_deleted")
        return values

    def row_key(self, values):
        return values["rna"]

    def _values(self, row):
        """The association's values, None for a deleted record; ValueError if invalid."""

        def get(name):
            return clean(row[name])

        rna = get("id").upper()
        if not is_valid_rna(rna):
            raise ValueError(f"numéro RNA invalide « {rna} » (W suivi de 9 caractères)")
        siret = get("siret").replace(" ", "")
        if siret and not is_valid_siret(siret):
            raise ValueError(f"SIRET invalide « {siret} »")
        position = get("position").upper()
        if position not in ("A", "D", "S"):
            raise ValueError(f"position inconnue « {position} » (attendu : A, D ou S)")
        if position == "S":
            return None
        name = get("titre") or get("titre_court")
        if not name:
            raise ValueError("titre manquant")
        dissolved = position == "D"
        short = get("titre_court")
        rup = get("rup_mi")
        code = get("adrs_codeinsee")
        return {
            "rna": rna,
            "siren": siret[:9] or None,
            "name": name[:255],
            "acronym": short[:100] if short and short != name else "",
            # RUP associations have INSEE category 9230; the others are 9220.
            "legal_category": "9230" if rup else "9220",
            "ess_family": EssFamily.ASSOCIATION,
            "is_public_utility": bool(rup),
            "created_on": parse_date(row["date_creat"], empty=("", NO_DATE)),
            "closed_on": parse_date(row["date_disso"], empty=("", NO_DATE)) if dissolved else None,
            "status": AdministrativeStatus.CLOSED if dissolved else AdministrativeStatus.ACTIVE,
            "diffusion": Diffusion.PUBLIC,
            "website": website(get("siteweb")),
            "establishment": {
                "address": format_address(
                    get("adrs_numvoie"),
                    get("adrs_repetition"),
                    get("adrs_typevoie"),
                    get("adrs_libvoie"),
                ),
                "postal_code": get("adrs_codepostal")[:5],
                "commune_id": code,
                **dict(
                    zip(
                        ("latitude", "longitude", "coordinate_precision"),
                        self.communes.centre[code],
                        strict=True,
                    )
                ),
                "is_head_office": True,
            },
        }

    def write_batch(self, batch):
        if bulk.uses_copy(Organisation):
            batch = self._write_in_sql(batch)
        if batch:
            self._write_rows(batch)

    def _write_rows(self, batch):
        by_rna = {o.rna: o for o in Organisation.objects.filter(rna__in=[v["rna"] for v in batch])}
        sirens = {v["siren"] for v in batch if v["siren"]}
        by_siren = {o.siren: o for o in Organisation.objects.filter(siren__in=sirens)}
        to_create, to_update, heads = [], [], []
        for values in batch:
            establishment = values.pop("establishment")
            site = values.pop("website")
            obj = by_rna.get(values["rna"])
            siren_holder = by_siren.get(values["siren"]) if values["siren"] else None
            if obj is None and siren_holder is not None and siren_holder.rna is None:
                obj = siren_holder
            # By primary key: by_rna and by_siren hold two instances of the same row.
            if siren_holder is not None and (obj is None or siren_holder.pk != obj.pk):
                # Another organisation holds this SIREN (a duplicate for staff to merge).
                self.report["siren_conflicts"] += 1
                values["siren"] = None
            if obj is not None and obj.source == Source.SIRENE:
                # SIRENE is the reference for the registry fields: the RNA adds its
                # number and what only it knows.
                self.report["linked_to_sirene"] += 1
                values = {
                    "rna": obj.rna or values["rna"],
                    "is_public_utility": values["is_public_utility"],
                }
                establishment = None
            elif obj is not None and obj.siren and values["siren"] != obj.siren:
                values["siren"] = obj.siren
            if obj is None:
                obj = Organisation(**values, source=Source.RNA, website=site)
                obj.source_updated_at = self.now
                obj.refresh_search_text()
                to_create.append(obj)
                by_rna[obj.rna] = obj
                if obj.siren:
                    by_siren[obj.siren] = obj
                self.count("organisations", "created")
            else:
                changed = changed_fields(obj, values)
                if site and not obj.website:
                    # The website is a profile field: filled when empty, never replaced.
                    obj.website = site
                    changed.append("website")
                if changed:
                    self.count_change("organisations", obj, values)
                    for name, value in values.items():
                        setattr(obj, name, value)
                    if obj.source != Source.SIRENE:
                        obj.source = Source.RNA
                    obj.source_updated_at = obj.updated_at = self.now
                    obj.refresh_search_text()
                    to_update.append(obj)
                else:
                    self.count("organisations", "unchanged")
            if establishment is not None:
                establishment["status"] = obj.status
                establishment["created_on"] = obj.created_on
                establishment["closed_on"] = obj.closed_on
                heads.append((obj, establishment))
        bulk.insert(Organisation, to_create, key="rna")
        if to_update:
            bulk.update(
                Organisation,
                to_update,
                [
                    *ORGANISATION_FIELDS,
                    "website",
                    "source",
                    "source_updated_at",
                    "updated_at",
                    "search_text",
                ],
            )
        self._write_head_offices(heads)

    def _write_in_sql(self, batch):
        """PostgreSQL: the batch is copied into a staging table, then compared with what
        is stored and its new associations written, each in one statement; returns the
        rows left for the comparison in Python (`_write_rows`): those that change an
        organisation, or whose SIREN needs a decision row by row. A first import writes
        nearly all its rows here, a monthly update counts its 99 % unchanged rows here:
        neither makes model instances of them."""
        self._refresh_statistics()
        staging = self._stage(batch)
        with connection_for(Organisation).cursor() as cursor:
            unchanged = self._unchanged(cursor, staging)
            created = self._insert_new(staging, batch, unchanged)
            cursor.execute(f"DROP TABLE {staging}")
        return [v for v in batch if v["rna"] not in unchanged and v["rna"] not in created]

    def _refresh_statistics(self):
        """ANALYZE the directory's tables each time this run has created more
        organisations than there were at the last ANALYZE (about ten times in a first
        national import, never in a monthly update): the plans of the statements below
        and of the search index's triggers follow the tables' growth even where
        autovacuum is off or behind."""
        size, created_then = self._analyzed
        created = self.report["organisations"]["created"]
        if created - created_then > max(size, STATISTICS_FLOOR):
            bulk.analyze(
                Organisation,
                Establishment._meta.db_table,
                "directory_search_org",
                "directory_search_site",
            )
            self._analyzed = (size + created - created_then, created)

    def _stage(self, batch):
        organisation = Organisation._meta.db_table
        establishment = Establishment._meta.db_table
        staged = [
            *(f"o.{name}" for name in ORGANISATION_FIELDS), "o.website",
            *(f"e.{name}" for name in PLACE_FIELDS), "0 AS ordinal",
        ]  # fmt: skip
        return bulk.stage(
            Organisation,
            f"SELECT {', '.join(staged)} FROM {organisation} o, {establishment} e",
            (
                [
                    *(values[name] for name in ORGANISATION_FIELDS),
                    values["website"],
                    *(values["establishment"][name] for name in PLACE_FIELDS),
                    ordinal,
                ]
                for ordinal, values in enumerate(batch)
            ),
        )

    def _unchanged(self, cursor, staging):
        """The RNA numbers of the staged rows that the loop of `_write_rows` would count
        unchanged (their organisation, from the RNA, and its head office, field by
        field): counted here, they go no further."""
        organisation = Organisation._meta.db_table
        establishment = Establishment._meta.db_table
        same = " AND ".join(
            f"o.{name} IS NOT DISTINCT FROM s.{name}"
            for name in ORGANISATION_FIELDS
            if name not in ("rna", "siren")
        )
        same_place = " AND ".join(
            f"e.{name} IS NOT DISTINCT FROM s.{name}" for name in PLACE_FIELDS
        )
        cursor.execute(
            # What write_batch and _write_head_offices would leave as is: an
            # organisation not from SIRENE, whose SIREN stays (or none comes) and is
            # held by no other, no website to fill, the same fields, and the first RNA
            # head office with the same address, state and dates.
            f"""
            SELECT s.rna FROM {staging} s
            -- One lookup by key per staged row: a join let PostgreSQL hash the whole
            -- table at each batch while it held less than a few hundred thousand rows.
            JOIN LATERAL (
                SELECT * FROM {organisation} o WHERE o.rna = s.rna LIMIT 1
            ) o ON true
            JOIN LATERAL (
                SELECT * FROM {establishment} e
                WHERE e.organisation_id = o.id AND e.source = %s
                  AND num_nulls(e.siret) = 1
                -- Only the organisation's index: "+ 0" keeps PostgreSQL from walking
                -- the primary key's, and num_nulls from intersecting with the index
                -- of the (1.5 million) head offices without SIRET, for each row.
                ORDER BY e.id + 0 LIMIT 1
            ) e ON true
            WHERE o.source <> %s
              AND (o.siren IS NOT NULL OR s.siren IS NULL)
              AND (s.siren IS NULL OR NOT EXISTS (
                  SELECT 1 FROM {organisation} x WHERE x.siren = s.siren AND x.id <> o.id
              ))
              AND (s.website = '' OR o.website <> '')
              AND {same} AND {same_place} AND e.is_head_office
              AND e.status = s.status
              AND e.created_on IS NOT DISTINCT FROM s.created_on
              AND e.closed_on IS NOT DISTINCT FROM s.closed_on
            """,
            [Source.RNA, Source.SIRENE],
        )
        unchanged = {rna for (rna,) in cursor.fetchall()}
        if unchanged:
            self.count("organisations", "unchanged", len(unchanged))
            self.count("establishments", "unchanged", len(unchanged))
        return unchanged

    def _insert_new(self, staging, batch, unchanged):
        """The staged associations that no organisation holds yet, inserted with their
        head offices straight from the staging table, as `_write_rows` would create
        them: the RNA's values, its source, the folded search text; a SIREN already
        held by an organisation with an RNA number of its own is left out and counted.
        The rows whose SIREN is held by an organisation without RNA number (which
        adopts the association) or comes twice in the batch stay for `_write_rows`.
        Returns the RNA numbers written."""
        organisation = Organisation._meta.db_table
        # The folded search text of the rows that may be new only: a monthly update
        # leaves 99 % of its rows unchanged, and folding 2 million names costs seconds.
        texts = [
            (ordinal, folded_search_text(values["name"], values["acronym"]))
            for ordinal, values in enumerate(batch)
            if values["rna"] not in unchanged
        ]
        if not texts:
            return set()
        rows = bulk.insert_select(
            Organisation,
            # Subqueries in the SELECT list: a lookup by key per staged row (as a join,
            # PostgreSQL hashed the whole table while it was under ~300,000 rows).
            f"""FROM (
                SELECT s.*, count(*) OVER (PARTITION BY s.siren) AS sharing,
                       (SELECT true FROM {organisation} o WHERE o.rna = s.rna) AS known,
                       (SELECT x.rna IS NULL FROM {organisation} x
                         WHERE x.siren = s.siren) AS held_without_rna
                  FROM {staging} s
            ) s
            JOIN unnest(%s::integer[], %s::text[]) AS f(ordinal, search_text)
              ON f.ordinal = s.ordinal
            WHERE s.known IS NULL
              AND (s.siren IS NULL OR (s.sharing = 1 AND s.held_without_rna IS NOT TRUE))""",
            {
                **{name: f"s.{name}" for name in [*ORGANISATION_FIELDS, "website"]},
                "search_text": "f.search_text",
                # Held by another organisation (a duplicate for staff to merge).
                "siren": "CASE WHEN s.held_without_rna IS NULL THEN s.siren END",
            },
            {"source": Source.RNA, "source_updated_at": self.now},
            params=[[ordinal for ordinal, _ in texts], [text for _, text in texts]],
            order_by="s.ordinal",
            returning="id, rna, siren",
        )
        if not rows:
            return set()
        sirens = {values["rna"]: values["siren"] for values in batch}
        self.report["siren_conflicts"] += sum(
            1 for _, rna, siren in rows if siren is None and sirens[rna]
        )
        self.count("organisations", "created", len(rows))
        bulk.insert_select(
            Establishment,
            f"FROM unnest(%s::bigint[], %s::text[]) AS n(id, rna) JOIN {staging} s ON s.rna = n.rna",
            {
                "organisation": "n.id",
                **{name.removesuffix("_id"): f"s.{name}" for name in PLACE_FIELDS},
                # A head office shares its organisation's state and dates.
                **{name: f"s.{name}" for name in ("status", "created_on", "closed_on")},
            },
            {"is_head_office": True, "source": Source.RNA, "source_updated_at": self.now},
            params=[[pk for pk, _, _ in rows], [rna for _, rna, _ in rows]],
            order_by="n.id",
        )
        self.count("establishments", "created", len(rows))
        return {rna for _, rna, _ in rows}

    def _write_head_offices(self, heads):
        """The association's registered address, as an establishment without SIRET."""
        existing = {}
        ids = [obj.pk for obj, _ in heads if obj.pk]
        for e in Establishment.objects.filter(
            organisation_id__in=ids, siret=None, source=Source.RNA
        ).order_by("pk"):
            existing.setdefault(e.organisation_id, e)
        to_create, to_update = [], []
        for obj, values in heads:
            current = existing.get(obj.pk) if obj.pk else None
            if current is None:
                to_create.append(
                    Establishment(
                        organisation=obj, **values, source=Source.RNA, source_updated_at=self.now
                    )
                )
                self.count("establishments", "created")
                continue
            if not changed_fields(current, values):
                self.count("establishments", "unchanged")
                continue
            self.count_change("establishments", current, values)
            for name, value in values.items():
                setattr(current, name, value)
            current.source_updated_at = self.now
            to_update.append(current)
        bulk.insert(Establishment, to_create)
        if to_update:
            bulk.update(Establishment, to_update, [*ESTABLISHMENT_FIELDS, "source_updated_at"])
