# ruff: noqa: S608 - the f-strings join the model's own table and column names
"""Set-based writes for importers: on PostgreSQL, `COPY` into a staging table, then one
INSERT or UPDATE from it; elsewhere (SQLite), the ORM's bulk_create and bulk_update.

Why: at national size (1.5 million RNA associations) the ORM's bulk_update writes one
`CASE WHEN id = … THEN …` per field and row, which PostgreSQL plans and runs slowly, and
bulk_create sends its rows as bound parameters; `COPY` streams them as text. Both paths
write the same rows, run the same triggers (the search index's) and are called inside
the importer's batch transaction, so the skeleton's guarantees hold
(essor.core.importing: validated first, a transaction per batch, idempotent).

    bulk.insert(Organisation, objects, key="rna")   # sets each object's pk
    bulk.update(Organisation, objects, ["name", "status"])
    bulk.insert_select(Organisation, "FROM staging s", {"name": "s.name"}, {"source": "rna"})"""

from itertools import count

from django.db import connections, router

_names = count()


def connection_for(model):
    return connections[router.db_for_write(model)]


def uses_copy(model):
    return connections[router.db_for_write(model)].vendor == "postgresql"


def insert(model, objects, *, key=None):
    """Insert unsaved `objects`; with `key` (a unique field, set on every object) their
    primary keys are set, as bulk_create does."""
    if not objects:
        return
    if not uses_copy(model):
        model.objects.bulk_create(objects)
        return
    connection = connections[router.db_for_write(model)]
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    rows = (
        [f.get_db_prep_save(f.pre_save(obj, add=True), connection) for f in fields]
        for obj in objects
    )
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor:
        staging = _stage(cursor, table, columns, rows)
        returning = ""
        if key:
            key_column = connection.ops.quote_name(model._meta.get_field(key).column)
            pk_column = connection.ops.quote_name(model._meta.pk.column)
            returning = f" RETURNING {pk_column}, {key_column}"
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {staging}{returning}"
        )
        if key:
            ids = {k: pk for pk, k in cursor.fetchall()}
            for obj in objects:
                obj.pk = ids[getattr(obj, key)]
        cursor.execute(f"DROP TABLE {staging}")
        for obj in objects:
            obj._state.adding, obj._state.db = False, connection.alias


def update(model, objects, field_names):
    """Write `field_names` of saved `objects`, as bulk_update does."""
    if not objects:
        return
    if not uses_copy(model):
        model.objects.bulk_update(objects, field_names)
        return
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    pk = model._meta.pk
    fields = [model._meta.get_field(name) for name in field_names]
    rows = (
        [obj.pk, *(f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields)]
        for obj in objects
    )
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(f.column) for f in [pk, *fields])
    assignments = ", ".join(f"{quote(f.column)} = s.{quote(f.column)}" for f in fields)
    with connection.cursor() as cursor:
        staging = _stage(cursor, table, columns, rows)
        cursor.execute(
            f"UPDATE {table} AS t SET {assignments} FROM {staging} AS s "
            f"WHERE t.{quote(pk.column)} = s.{quote(pk.column)}"
        )
        cursor.execute(f"DROP TABLE {staging}")


def insert_select(model, source, expressions, values=None, *, params=(), order_by="", returning=""):
    """One `INSERT INTO <model's table> SELECT … <source>` (PostgreSQL): the new rows
    come straight from SQL (a staging table), without model instances. Each field is
    given by `expressions` ({field: SQL on the source}), by `values` ({field: value}),
    or else is what a model instance built without it would write (its default, the
    time for auto_now fields), as bulk_create would. `params` are the source's. Returns
    the rows of `returning` (column names, "id, rna")."""
    connection = connection_for(model)
    quote = connection.ops.quote_name
    blank, values = model(), values or {}
    columns, selected, constants = [], [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(quote(field.column))
        if field.name in expressions:
            selected.append(expressions[field.name])
            continue
        value = values[field.name] if field.name in values else field.pre_save(blank, add=True)
        selected.append("%s")
        constants.append(field.get_db_prep_save(value, connection))
    unknown = (set(expressions) | set(values)) - {f.name for f in model._meta.concrete_fields}
    if unknown:
        raise ValueError(f"Unknown fields of {model.__name__}: {', '.join(sorted(unknown))}")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(columns)}) "
            f"SELECT {', '.join(selected)} {source}"
            + (f" ORDER BY {order_by}" if order_by else "")
            + (f" RETURNING {returning}" if returning else ""),
            [*constants, *params],
        )
        return cursor.fetchall() if returning else []


def analyze(model, *tables):
    """Fresh planner statistics for the model's table and `tables` (PostgreSQL), e.g.
    once they have grown several times over in one import: with the statistics of a
    nearly empty table, PostgreSQL plans lookups by key as scans of the whole table."""
    connection = connection_for(model)
    tables = ", ".join(connection.ops.quote_name(t) for t in [model._meta.db_table, *tables])
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {tables}")


def stage(model, select, rows):
    """A temporary table shaped by `select` (a SELECT on the model's tables, its types,
    no constraint), filled by COPY with `rows`: for an importer to compare a whole
    batch with what is stored in one query. PostgreSQL only (uses_copy)."""
    connection = connections[router.db_for_write(model)]
    staging = f"essor_staging_{next(_names)}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE {staging} ON COMMIT DROP AS {select} WITH NO DATA")
        with cursor.copy(f"COPY {staging} FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    return staging


def _stage(cursor, table, columns, rows):
    """A temporary table with `columns` of `table` (their types, no constraint), filled
    by COPY with `rows`. Dropped once used, or at the end of the transaction anyway."""
    staging = f"essor_staging_{next(_names)}"
    cursor.execute(
        f"CREATE TEMPORARY TABLE {staging} ON COMMIT DROP AS "
        f"SELECT {columns} FROM {table} WITH NO DATA"
    )
    with cursor.copy(f"COPY {staging} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
    return staging
