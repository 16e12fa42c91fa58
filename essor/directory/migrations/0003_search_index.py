"""The directory's search index: two document tables kept in step with the directory by
database triggers, so that every write — the ORM, bulk_create/bulk_update by the
importers, raw SQL — updates the index without any Python hook.

- directory_search_org: one row per publicly listed organisation (active, in the ESS):
  the text document, the sort key and the organisation-level facets.
- directory_search_site: one row per active establishment of a listed organisation:
  the establishment-level facets (territory, NAF section, ESS sector, headcount band)
  and the point shown on the map (the commune's centre when the establishment has no
  coordinates or is only partially diffusible).
- directory_search_naf: the NAF sub-classes with their section, ESS sector group and
  label, so that triggers can classify an establishment without Python.

SQLite: an FTS5 table (unicode61, diacritics removed) holds the text; row triggers.
PostgreSQL: a weighted tsvector (French stems and unstemmed words, unaccented) with a
GIN index, a trigram (GiST) index on the folded name for misspellings; statement triggers
with transition tables, so that a bulk insert of 100,000 rows is one set operation.

The SQL lives here, frozen with the migration; search_backends only reads the tables.
"""

from django.db import migrations

# --- SQLite -------------------------------------------------------------------------

# SQLite's lower() only knows ASCII: fold the French accented letters by hand, so that
# "Économie" sorts with the E, as PostgreSQL's lower(unaccent()) does.
_FOLD = {
    "a": "àâäáãåÀÂÄÁÃÅ", "c": "çÇ", "e": "éèêëÉÈÊË", "i": "îïíìÎÏÍÌ", "n": "ñÑ",
    "o": "ôöóòõÔÖÓÒÕ", "u": "ùûüúÙÛÜÚ", "y": "ÿýŸÝ", "oe": "œŒ", "ae": "æÆ",
}  # fmt: skip


def _sqlite_fold(expression):
    # SQLite's parser stack allows ~30 nested calls: chain the replace() calls in
    # derived tables of 15, which each start a fresh nesting.
    pairs = [(char, plain) for plain, chars in _FOLD.items() for char in chars]
    folded = f"lower({expression})"
    for start in range(0, len(pairs), 15):
        chained = "v"
        for char, plain in pairs[start : start + 15]:
            chained = f"replace({chained}, '{char}', '{plain}')"
        folded = f"(SELECT {chained} FROM (SELECT {folded} AS v))"
    return folded


def _sqlite_ligatures(expression):
    # FTS5's unicode61 removes diacritics but keeps ligatures: write "œuvre" as "oeuvre".
    return f"replace(replace(replace(replace({expression}, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE')"


SQLITE_LISTED = "o.status = 'active' AND o.ess_family <> ''"


def sqlite_org_docs(where):
    """The two INSERTs writing the documents of the organisations `o` matching `where`."""
    activity = """COALESCE((SELECT group_concat(x, ' ') FROM (
            SELECT n.label AS x FROM directory_establishment e
              JOIN directory_search_naf n ON n.code = e.naf
             WHERE e.organisation_id = o.id AND e.status = 'active'
            UNION SELECT e.name FROM directory_establishment e
             WHERE e.organisation_id = o.id AND e.status = 'active' AND e.name <> ''
            UNION SELECT l.name FROM directory_organisation_labels ol
              JOIN directory_label l ON l.id = ol.label_id
             WHERE ol.organisation_id = o.id)), '')"""
    return [
        f"""INSERT INTO directory_search_org (org_id, name, name_sort, family, esus)
      SELECT o.id, o.name, {_sqlite_fold("o.name")}, o.ess_family, o.is_esus
        FROM directory_organisation o WHERE ({where}) AND {SQLITE_LISTED}""",
        f"""INSERT INTO directory_search_fts (rowid, name, ident, activity, description)
      SELECT o.id, {_sqlite_ligatures("o.name")},
             {_sqlite_ligatures("o.acronym")} || ' ' || COALESCE(o.siren, '') || ' ' || COALESCE(o.rna, ''),
             {_sqlite_ligatures(activity)}, {_sqlite_ligatures("o.description")}
        FROM directory_organisation o WHERE ({where}) AND {SQLITE_LISTED}""",
    ]


def sqlite_org_refresh(org_id, guard="1 = 1"):
    """Statements re-writing the document of one organisation, when `guard` holds."""
    insert_org, insert_fts = sqlite_org_docs(f"o.id = {org_id} AND {guard}")
    return f"""
    DELETE FROM directory_search_org WHERE org_id = {org_id} AND {guard};
    DELETE FROM directory_search_fts WHERE rowid = {org_id} AND {guard};
    {insert_org};
    {insert_fts};
    """


def sqlite_site_insert(where):
    return f"""
    INSERT OR REPLACE INTO directory_search_site
      (est_id, org_id, family, esus, head, commune, dep, epci, section, sector, band, lat, lon)
      SELECT e.id, e.organisation_id, o.ess_family, o.is_esus, e.is_head_office, e.commune_id,
             c.departement_id, c.epci_id, n.section, COALESCE(n.sector, 'autres'),
             NULLIF(e.headcount_band, ''),
             CASE WHEN e.diffusion = 'O' AND e.latitude IS NOT NULL AND e.longitude IS NOT NULL
                  THEN e.latitude ELSE c.latitude END,
             CASE WHEN e.diffusion = 'O' AND e.latitude IS NOT NULL AND e.longitude IS NOT NULL
                  THEN e.longitude ELSE c.longitude END
        FROM directory_establishment e
        JOIN directory_organisation o ON o.id = e.organisation_id
        LEFT JOIN territories_commune c ON c.code = e.commune_id
        LEFT JOIN directory_search_naf n ON n.code = e.naf
       WHERE {where} AND e.status = 'active' AND {SQLITE_LISTED};
    """


def _changed(columns):
    return " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in columns)


ORG_TEXT_COLUMNS = ["name", "acronym", "siren", "rna", "description"]
ORG_FACET_COLUMNS = ["ess_family", "is_esus", "status"]
SITE_COLUMNS = [
    "organisation_id", "commune_id", "latitude", "longitude", "naf", "headcount_band",
    "status", "diffusion", "is_head_office",
]  # fmt: skip
EST_TEXT_COLUMNS = ["organisation_id", "name", "naf", "status"]

SQLITE_TABLES = """
CREATE TABLE directory_search_state (id integer PRIMARY KEY, generation integer NOT NULL);
INSERT INTO directory_search_state (id, generation) VALUES (1, 0);
CREATE TABLE directory_search_naf (
    code varchar(6) PRIMARY KEY, section varchar(1) NOT NULL,
    sector varchar(40) NOT NULL, label text NOT NULL
);
CREATE TABLE directory_search_org (
    org_id integer PRIMARY KEY, name varchar(255) NOT NULL, name_sort varchar(255) NOT NULL,
    family varchar(20) NOT NULL, esus bool NOT NULL
);
CREATE INDEX directory_search_org_sort ON directory_search_org (name_sort, org_id);
CREATE INDEX directory_search_org_family ON directory_search_org (family, esus);
CREATE TABLE directory_search_site (
    est_id integer PRIMARY KEY, org_id integer NOT NULL, family varchar(20) NOT NULL,
    esus bool NOT NULL, head bool NOT NULL, commune varchar(5), dep varchar(3),
    epci varchar(9), section varchar(1), sector varchar(40), band varchar(2),
    lat real, lon real
);
-- From an organisation to its establishments' facets without reading the table.
CREATE INDEX directory_search_site_org ON directory_search_site
    (org_id, family, esus, dep, epci, section, sector, band, commune, head, lat, lon);
CREATE INDEX directory_search_site_dep ON directory_search_site (dep, org_id);
CREATE INDEX directory_search_site_epci ON directory_search_site (epci, org_id);
CREATE INDEX directory_search_site_commune ON directory_search_site (commune, org_id);
CREATE INDEX directory_search_site_section ON directory_search_site (section, org_id);
CREATE INDEX directory_search_site_sector ON directory_search_site (sector, org_id);
CREATE INDEX directory_search_site_band ON directory_search_site (band, org_id);
-- The map reads a viewport's points and filters them without touching the table.
CREATE INDEX directory_search_site_point ON directory_search_site
    (lat, lon, family, esus, section, sector, band, dep, epci, commune, org_id);
CREATE VIRTUAL TABLE directory_search_fts USING fts5(
    name, ident, activity, description,
    tokenize = "unicode61 remove_diacritics 2", prefix = '2 3 4'
);
"""


BUMP = "UPDATE directory_search_state SET generation = generation + 1 WHERE id = 1;"


def sqlite_triggers():
    # Each trigger first bumps the generation, which keys the cache of search results.
    return [t.replace("BEGIN", f"BEGIN {BUMP}", 1) for t in _sqlite_triggers()]


def _sqlite_triggers():
    org_all = sqlite_org_refresh("NEW.id") + sqlite_site_insert("e.organisation_id = NEW.id")
    return [
        f"""CREATE TRIGGER directory_search_org_ai AFTER INSERT ON directory_organisation
        BEGIN {org_all} END""",
        f"""CREATE TRIGGER directory_search_org_au_text AFTER UPDATE ON directory_organisation
        WHEN ({_changed(ORG_TEXT_COLUMNS)}) AND NOT ({_changed(ORG_FACET_COLUMNS)})
        BEGIN {sqlite_org_refresh("NEW.id")} END""",
        f"""CREATE TRIGGER directory_search_org_au_facets AFTER UPDATE ON directory_organisation
        WHEN {_changed(ORG_FACET_COLUMNS)}
        BEGIN DELETE FROM directory_search_site WHERE org_id = NEW.id; {org_all} END""",
        """CREATE TRIGGER directory_search_org_ad AFTER DELETE ON directory_organisation
        BEGIN
          DELETE FROM directory_search_org WHERE org_id = OLD.id;
          DELETE FROM directory_search_fts WHERE rowid = OLD.id;
          DELETE FROM directory_search_site WHERE org_id = OLD.id;
        END""",
        f"""CREATE TRIGGER directory_search_est_ai AFTER INSERT ON directory_establishment
        BEGIN {sqlite_site_insert("e.id = NEW.id")} END""",
        # An importer adds establishments one by one: rewrite the organisation's text only
        # when the new one brings an activity or a name it does not hold yet, or an
        # organisation with 2,000 establishments would cost 2,000 rewrites of 2,000 rows.
        f"""CREATE TRIGGER directory_search_est_ai_text AFTER INSERT ON directory_establishment
        WHEN NEW.status = 'active' AND NOT EXISTS (
          SELECT 1 FROM directory_search_fts f WHERE f.rowid = NEW.organisation_id
             AND instr(f.activity, COALESCE(
                   (SELECT label FROM directory_search_naf WHERE code = NEW.naf), '')) > 0
             AND instr(f.activity, NEW.name) > 0)
        BEGIN {sqlite_org_refresh("NEW.organisation_id")} END""",
        f"""CREATE TRIGGER directory_search_est_au_site AFTER UPDATE ON directory_establishment
        WHEN {_changed(SITE_COLUMNS)}
        BEGIN
          DELETE FROM directory_search_site WHERE est_id = OLD.id;
          {sqlite_site_insert("e.id = NEW.id")}
        END""",
        f"""CREATE TRIGGER directory_search_est_au_text AFTER UPDATE ON directory_establishment
        WHEN {_changed(EST_TEXT_COLUMNS)}
        BEGIN
          {sqlite_org_refresh("NEW.organisation_id")}
          {sqlite_org_refresh("OLD.organisation_id", "OLD.organisation_id <> NEW.organisation_id")}
        END""",
        f"""CREATE TRIGGER directory_search_est_ad AFTER DELETE ON directory_establishment
        BEGIN
          DELETE FROM directory_search_site WHERE est_id = OLD.id;
          {sqlite_org_refresh("OLD.organisation_id")}
        END""",
        f"""CREATE TRIGGER directory_search_labels_ai AFTER INSERT ON directory_organisation_labels
        BEGIN {sqlite_org_refresh("NEW.organisation_id")} END""",
        f"""CREATE TRIGGER directory_search_labels_ad AFTER DELETE ON directory_organisation_labels
        BEGIN {sqlite_org_refresh("OLD.organisation_id")} END""",
        # A renamed label: rewrite the few documents that carry it.
        f"""CREATE TRIGGER directory_search_label_au AFTER UPDATE OF name ON directory_label
        WHEN OLD.name IS NOT NEW.name
        BEGIN
          DELETE FROM directory_search_fts WHERE rowid IN (
            SELECT organisation_id FROM directory_organisation_labels WHERE label_id = NEW.id);
          {_sqlite_label_fts_insert()}
        END""",
        f"""CREATE TRIGGER directory_search_commune_au AFTER UPDATE ON territories_commune
        WHEN {_changed(["departement_id", "epci_id", "latitude", "longitude"])}
        BEGIN
          DELETE FROM directory_search_site WHERE commune = NEW.code;
          {sqlite_site_insert("e.commune_id = NEW.code")}
        END""",
    ]


def _sqlite_label_fts_insert():
    carriers = "SELECT organisation_id FROM directory_organisation_labels WHERE label_id = NEW.id"
    return sqlite_org_docs(f"o.id IN ({carriers})")[1] + ";"


def sqlite_backfill():
    return [
        "DELETE FROM directory_search_org",
        "DELETE FROM directory_search_fts",
        "DELETE FROM directory_search_site",
        *sqlite_org_docs("1 = 1"),
        sqlite_site_insert("1 = 1").strip().rstrip(";"),
    ]


SQLITE_DROP = [
    *(
        f"DROP TRIGGER IF EXISTS {name}"
        for name in [
            "directory_search_org_ai", "directory_search_org_au_text",
            "directory_search_org_au_facets", "directory_search_org_ad",
            "directory_search_est_ai", "directory_search_est_ai_text", "directory_search_est_au_site",
            "directory_search_est_au_text", "directory_search_est_ad",
            "directory_search_labels_ai", "directory_search_labels_ad",
            "directory_search_label_au", "directory_search_commune_au",
        ]
    ),
    "DROP TABLE IF EXISTS directory_search_fts",
    "DROP TABLE IF EXISTS directory_search_site",
    "DROP TABLE IF EXISTS directory_search_org",
    "DROP TABLE IF EXISTS directory_search_naf",
    "DROP TABLE IF EXISTS directory_search_state",
]  # fmt: skip


# --- PostgreSQL ---------------------------------------------------------------------

PG_SETUP = r"""
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- unaccent() is only STABLE (its dictionary could change); this wrapper names the
-- dictionary explicitly and is declared IMMUTABLE so that it may appear in indexes.
CREATE OR REPLACE FUNCTION essor_unaccent(text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$;

CREATE TABLE directory_search_state (id integer PRIMARY KEY, generation bigint NOT NULL);
INSERT INTO directory_search_state (id, generation) VALUES (1, 0);
CREATE TABLE directory_search_naf (
    code varchar(6) PRIMARY KEY, section varchar(1) NOT NULL,
    sector varchar(40) NOT NULL, label text NOT NULL
);
CREATE TABLE directory_search_org (
    org_id bigint PRIMARY KEY, name varchar(255) NOT NULL, name_sort text NOT NULL,
    name_folded text NOT NULL, family varchar(20) NOT NULL, esus boolean NOT NULL,
    document tsvector NOT NULL
);
CREATE INDEX directory_search_org_sort ON directory_search_org (name_sort COLLATE "C", org_id);
CREATE INDEX directory_search_org_family ON directory_search_org (family, esus);
CREATE INDEX directory_search_org_document ON directory_search_org USING gin (document);
-- GiST, not GIN: the misspelling fallback asks for the nearest names (KNN on <<->).
CREATE INDEX directory_search_org_trgm ON directory_search_org USING gist (name_folded gist_trgm_ops);
CREATE TABLE directory_search_site (
    est_id bigint PRIMARY KEY, org_id bigint NOT NULL, family varchar(20) NOT NULL,
    esus boolean NOT NULL, head boolean NOT NULL, commune varchar(5), dep varchar(3),
    epci varchar(9), section varchar(1), sector varchar(40), band varchar(2),
    lat double precision, lon double precision
);
CREATE INDEX directory_search_site_org ON directory_search_site (org_id)
    INCLUDE (family, esus, dep, epci, section, sector, band, commune, head, lat, lon);
CREATE INDEX directory_search_site_dep ON directory_search_site (dep, org_id);
CREATE INDEX directory_search_site_epci ON directory_search_site (epci, org_id);
CREATE INDEX directory_search_site_commune ON directory_search_site (commune, org_id);
CREATE INDEX directory_search_site_section ON directory_search_site (section, org_id);
CREATE INDEX directory_search_site_sector ON directory_search_site (sector, org_id);
CREATE INDEX directory_search_site_band ON directory_search_site (band, org_id);
-- The map reads a viewport's points and filters them without touching the table.
CREATE INDEX directory_search_site_point ON directory_search_site (lat, lon)
    INCLUDE (est_id, org_id, family, esus, section, sector, band, dep, epci, commune);

CREATE OR REPLACE FUNCTION essor_search_refresh_orgs(ids bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM directory_search_org WHERE org_id = ANY(ids);
  INSERT INTO directory_search_org (org_id, name, name_sort, name_folded, family, esus, document)
  -- "status || ''": on a table just bulk-loaded (no statistics yet), the planner would
  -- AND the bitmap of the (status, is_employer) index — every establishment — into
  -- each of these lookups by organisation.
  SELECT o.id, o.name, lower(essor_unaccent(o.name)),
         lower(essor_unaccent(concat_ws(' ', o.name, NULLIF(o.acronym, '')))),
         o.ess_family, o.is_esus,
         -- French stems for meaning ("économiques" finds "économie"), unstemmed words
         -- for prefixes typed past the stem ("cooperati" finds "coopérative").
         setweight(to_tsvector('french', essor_unaccent(o.name)), 'A')
         || setweight(to_tsvector('simple', essor_unaccent(
              concat_ws(' ', o.name, o.acronym, o.siren, o.rna))), 'A')
         || setweight(to_tsvector('french', essor_unaccent(coalesce(a.activity, ''))), 'B')
         || setweight(to_tsvector('simple', essor_unaccent(coalesce(a.activity, ''))), 'B')
         || setweight(to_tsvector('french', essor_unaccent(o.description)), 'D')
    FROM directory_organisation o
    LEFT JOIN LATERAL (
      SELECT string_agg(x, ' ') AS activity FROM (
        SELECT n.label AS x FROM directory_establishment e
          JOIN directory_search_naf n ON n.code = e.naf
         WHERE e.organisation_id = o.id AND e.status || '' = 'active'
        UNION SELECT e.name FROM directory_establishment e
         WHERE e.organisation_id = o.id AND e.status || '' = 'active' AND e.name <> ''
        UNION SELECT l.name FROM directory_organisation_labels ol
          JOIN directory_label l ON l.id = ol.label_id WHERE ol.organisation_id = o.id
      ) texts
    ) a ON true
   WHERE o.id = ANY(ids) AND o.status = 'active' AND o.ess_family <> '';
END $$;

CREATE OR REPLACE FUNCTION essor_search_insert_sites(est_ids bigint[], org_ids bigint[],
                                                     communes text[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  -- One INSERT per kind of key, each answered by its index (an OR of the three would
  -- read every establishment).
  IF cardinality(est_ids) > 0 THEN
{insert_by_est}
  END IF;
  IF cardinality(org_ids) > 0 THEN
{insert_by_org}
  END IF;
  IF cardinality(communes) > 0 THEN
{insert_by_commune}
  END IF;
END $$;

CREATE OR REPLACE FUNCTION essor_search_org_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  text_ids bigint[];
  facet_ids bigint[];
BEGIN
  UPDATE directory_search_state SET generation = generation + 1 WHERE id = 1;
  IF TG_OP = 'INSERT' THEN
    text_ids := ARRAY(SELECT id FROM new_rows);
    facet_ids := text_ids;
  ELSIF TG_OP = 'UPDATE' THEN
    text_ids := ARRAY(
      SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
       WHERE (n.name, n.acronym, n.siren, n.rna, n.description, n.ess_family, n.is_esus, n.status)
             IS DISTINCT FROM
             (o.name, o.acronym, o.siren, o.rna, o.description, o.ess_family, o.is_esus, o.status));
    facet_ids := ARRAY(
      SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
       WHERE (n.ess_family, n.is_esus, n.status) IS DISTINCT FROM (o.ess_family, o.is_esus, o.status));
  ELSE
    DELETE FROM directory_search_org WHERE org_id IN (SELECT id FROM old_rows);
    DELETE FROM directory_search_site WHERE org_id IN (SELECT id FROM old_rows);
    RETURN NULL;
  END IF;
  IF cardinality(text_ids) > 0 THEN
    PERFORM essor_search_refresh_orgs(text_ids);
  END IF;
  IF cardinality(facet_ids) > 0 THEN
    DELETE FROM directory_search_site WHERE org_id = ANY(facet_ids);
    PERFORM essor_search_insert_sites('{}', facet_ids, '{}');
  END IF;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION essor_search_establishment_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  site_ids bigint[];
  org_ids bigint[];
BEGIN
  UPDATE directory_search_state SET generation = generation + 1 WHERE id = 1;
  IF TG_OP = 'INSERT' THEN
    site_ids := ARRAY(SELECT id FROM new_rows);
    org_ids := ARRAY(SELECT DISTINCT organisation_id FROM new_rows);
  ELSIF TG_OP = 'UPDATE' THEN
    site_ids := ARRAY(
      SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
       WHERE (n.organisation_id, n.commune_id, n.latitude, n.longitude, n.naf,
              n.headcount_band, n.status, n.diffusion, n.is_head_office)
             IS DISTINCT FROM
             (o.organisation_id, o.commune_id, o.latitude, o.longitude, o.naf,
              o.headcount_band, o.status, o.diffusion, o.is_head_office));
    org_ids := ARRAY(
      SELECT DISTINCT unnest(ARRAY[n.organisation_id, o.organisation_id])
        FROM new_rows n JOIN old_rows o ON o.id = n.id
       WHERE (n.organisation_id, n.name, n.naf, n.status)
             IS DISTINCT FROM (o.organisation_id, o.name, o.naf, o.status));
  ELSE
    DELETE FROM directory_search_site WHERE est_id IN (SELECT id FROM old_rows);
    PERFORM essor_search_refresh_orgs(ARRAY(SELECT DISTINCT organisation_id FROM old_rows));
    RETURN NULL;
  END IF;
  IF cardinality(site_ids) > 0 THEN
    DELETE FROM directory_search_site WHERE est_id = ANY(site_ids);
    PERFORM essor_search_insert_sites(site_ids, '{}', '{}');
  END IF;
  IF cardinality(org_ids) > 0 THEN
    PERFORM essor_search_refresh_orgs(org_ids);
  END IF;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION essor_search_labels_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE directory_search_state SET generation = generation + 1 WHERE id = 1;
  IF TG_OP = 'INSERT' THEN
    PERFORM essor_search_refresh_orgs(ARRAY(SELECT DISTINCT organisation_id FROM new_rows));
  ELSE
    PERFORM essor_search_refresh_orgs(ARRAY(SELECT DISTINCT organisation_id FROM old_rows));
  END IF;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION essor_search_label_renamed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE directory_search_state SET generation = generation + 1 WHERE id = 1;
  PERFORM essor_search_refresh_orgs(ARRAY(
    SELECT DISTINCT ol.organisation_id FROM directory_organisation_labels ol
      JOIN new_rows n ON n.id = ol.label_id JOIN old_rows o ON o.id = n.id
     WHERE n.name IS DISTINCT FROM o.name));
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION essor_search_communes_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  codes text[];
BEGIN
  UPDATE directory_search_state SET generation = generation + 1 WHERE id = 1;
  codes := ARRAY(
    SELECT n.code FROM new_rows n JOIN old_rows o ON o.code = n.code
     WHERE (n.departement_id, n.epci_id, n.latitude, n.longitude)
           IS DISTINCT FROM (o.departement_id, o.epci_id, o.latitude, o.longitude));
  IF cardinality(codes) > 0 THEN
    DELETE FROM directory_search_site WHERE commune = ANY(codes);
    PERFORM essor_search_insert_sites('{}', '{}', codes);
  END IF;
  RETURN NULL;
END $$;

-- Django's flush (transactional tests) empties tables with TRUNCATE, which fires no
-- row trigger: empty the index with them.
CREATE OR REPLACE FUNCTION essor_search_truncated() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE directory_search_state SET generation = generation + 1 WHERE id = 1;
  IF TG_TABLE_NAME = 'directory_organisation' THEN
    TRUNCATE directory_search_org, directory_search_site;
  ELSIF TG_TABLE_NAME = 'directory_establishment' THEN
    TRUNCATE directory_search_site;
    PERFORM essor_search_refresh_orgs(ARRAY(SELECT org_id FROM directory_search_org));
  ELSE
    PERFORM essor_search_refresh_orgs(ARRAY(SELECT org_id FROM directory_search_org));
  END IF;
  RETURN NULL;
END $$;
"""

PG_SITE_INSERT = """    INSERT INTO directory_search_site
      (est_id, org_id, family, esus, head, commune, dep, epci, section, sector, band, lat, lon)
    SELECT e.id, e.organisation_id, o.ess_family, o.is_esus, e.is_head_office, e.commune_id,
           c.departement_id, c.epci_id, n.section, COALESCE(n.sector, 'autres'),
           NULLIF(e.headcount_band, ''),
           CASE WHEN e.diffusion = 'O' AND e.latitude IS NOT NULL AND e.longitude IS NOT NULL
                THEN e.latitude ELSE c.latitude END,
           CASE WHEN e.diffusion = 'O' AND e.latitude IS NOT NULL AND e.longitude IS NOT NULL
                THEN e.longitude ELSE c.longitude END
      FROM directory_establishment e
      JOIN directory_organisation o ON o.id = e.organisation_id
      LEFT JOIN territories_commune c ON c.code = e.commune_id
      LEFT JOIN directory_search_naf n ON n.code = e.naf
     WHERE {where} AND e.status || '' = 'active' AND o.status = 'active' AND o.ess_family <> ''
    ON CONFLICT (est_id) DO NOTHING;"""

PG_SETUP = (
    PG_SETUP.replace("{insert_by_est}", PG_SITE_INSERT.format(where="e.id = ANY(est_ids)"))
    .replace("{insert_by_org}", PG_SITE_INSERT.format(where="e.organisation_id = ANY(org_ids)"))
    .replace("{insert_by_commune}", PG_SITE_INSERT.format(where="e.commune_id = ANY(communes)"))
)

PG_TRIGGERS = [
    ("directory_organisation", "org", "essor_search_org_changed"),
    ("directory_establishment", "est", "essor_search_establishment_changed"),
    ("directory_organisation_labels", "labels", "essor_search_labels_changed"),
]


def pg_triggers():
    statements = []
    for table, short, function in PG_TRIGGERS:
        statements += [
            f"""CREATE TRIGGER directory_search_{short}_ins AFTER INSERT ON {table}
            REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {function}()""",
            f"""CREATE TRIGGER directory_search_{short}_del AFTER DELETE ON {table}
            REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION {function}()""",
            f"""CREATE TRIGGER directory_search_{short}_trunc AFTER TRUNCATE ON {table}
            FOR EACH STATEMENT EXECUTE FUNCTION essor_search_truncated()""",
        ]
        if short != "labels":
            statements.append(
                f"""CREATE TRIGGER directory_search_{short}_upd AFTER UPDATE ON {table}
                REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
                FOR EACH STATEMENT EXECUTE FUNCTION {function}()"""
            )
    statements += [
        """CREATE TRIGGER directory_search_label_upd AFTER UPDATE ON directory_label
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION essor_search_label_renamed()""",
        """CREATE TRIGGER directory_search_commune_upd AFTER UPDATE ON territories_commune
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION essor_search_communes_changed()""",
    ]
    return statements


PG_BACKFILL = [
    "TRUNCATE directory_search_org, directory_search_site",
    "SELECT essor_search_refresh_orgs(ARRAY(SELECT id FROM directory_organisation))",
    "SELECT essor_search_insert_sites('{}', ARRAY(SELECT id FROM directory_organisation), '{}')",
]

PG_DROP = """
DROP TRIGGER IF EXISTS directory_search_org_ins ON directory_organisation;
DROP TRIGGER IF EXISTS directory_search_org_del ON directory_organisation;
DROP TRIGGER IF EXISTS directory_search_org_upd ON directory_organisation;
DROP TRIGGER IF EXISTS directory_search_org_trunc ON directory_organisation;
DROP TRIGGER IF EXISTS directory_search_est_ins ON directory_establishment;
DROP TRIGGER IF EXISTS directory_search_est_del ON directory_establishment;
DROP TRIGGER IF EXISTS directory_search_est_upd ON directory_establishment;
DROP TRIGGER IF EXISTS directory_search_est_trunc ON directory_establishment;
DROP TRIGGER IF EXISTS directory_search_labels_ins ON directory_organisation_labels;
DROP TRIGGER IF EXISTS directory_search_labels_del ON directory_organisation_labels;
DROP TRIGGER IF EXISTS directory_search_labels_trunc ON directory_organisation_labels;
DROP TRIGGER IF EXISTS directory_search_label_upd ON directory_label;
DROP TRIGGER IF EXISTS directory_search_commune_upd ON territories_commune;
DROP FUNCTION IF EXISTS essor_search_truncated();
DROP FUNCTION IF EXISTS essor_search_communes_changed();
DROP FUNCTION IF EXISTS essor_search_label_renamed();
DROP FUNCTION IF EXISTS essor_search_labels_changed();
DROP FUNCTION IF EXISTS essor_search_establishment_changed();
DROP FUNCTION IF EXISTS essor_search_org_changed();
DROP FUNCTION IF EXISTS essor_search_insert_sites(bigint[], bigint[], text[]);
DROP FUNCTION IF EXISTS essor_search_refresh_orgs(bigint[]);
DROP TABLE IF EXISTS directory_search_site;
DROP TABLE IF EXISTS directory_search_org;
DROP TABLE IF EXISTS directory_search_naf;
DROP FUNCTION IF EXISTS essor_unaccent(text);
DROP TABLE IF EXISTS directory_search_state;
"""


# --- Operations ---------------------------------------------------------------------


def naf_rows():
    from essor.directory import nomenclatures

    return [
        (code, row["section"], nomenclatures.ess_sector_of(code), row["label"])
        for code, row in nomenclatures.naf_activities().items()
    ]


def create_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    with schema_editor.connection.cursor() as cursor:
        if vendor == "sqlite":
            _run(cursor, SQLITE_TABLES)
            cursor.executemany(
                "INSERT INTO directory_search_naf (code, section, sector, label) "
                "VALUES (%s, %s, %s, %s)",
                naf_rows(),
            )
            for statement in sqlite_triggers():
                cursor.execute(statement)
            for statement in sqlite_backfill():
                cursor.execute(statement)
        elif vendor == "postgresql":
            cursor.execute(PG_SETUP)
            cursor.executemany(
                "INSERT INTO directory_search_naf (code, section, sector, label) "
                "VALUES (%s, %s, %s, %s)",
                naf_rows(),
            )
            for statement in pg_triggers():
                cursor.execute(statement)
            for statement in PG_BACKFILL:
                cursor.execute(statement)


def _run(cursor, script):
    for statement in script.split(";"):
        if statement.strip():
            cursor.execute(statement)


def drop_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    with schema_editor.connection.cursor() as cursor:
        if vendor == "sqlite":
            for statement in SQLITE_DROP:
                cursor.execute(statement)
        elif vendor == "postgresql":
            cursor.execute(PG_DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0002_labels"),
        ("territories", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
