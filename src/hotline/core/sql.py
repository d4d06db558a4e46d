"""Set-based writing: INSERT ... SELECT built from ORM querysets, on PostgreSQL and SQLite.

`bulk_create(ignore_conflicts=True)` sends `INSERT ... ON CONFLICT DO NOTHING` too, but every row
first becomes a model instance and a set of parameters in Python; at the sweep's first pass over a
million open assignments that is most of the time (see docs/adr/0003-supervision.md). Here the
database builds the rows from the same SELECT that finds the candidates, and the unique key still
decides what is new.
"""

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models
from django.db.models import Func, QuerySet, Value
from django.db.models.expressions import Combinable, Expression
from django.db.models.functions import Cast, Concat


class EpochSeconds(Func):
    """Seconds since 1970 of a datetime column (whole seconds on SQLite, exact on PostgreSQL), so
    that comparisons at the very second of a threshold come out the same on both."""

    output_field = models.FloatField()
    template = "EXTRACT(EPOCH FROM %(expressions)s)"

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # Django stores UTC text there, which strftime reads. '%%%%' survives two rounds of
        # %-formatting (this template, then the driver's placeholders) as one '%'.
        return self.as_sql(
            compiler, connection, template="CAST(strftime('%%%%s', %(expressions)s) AS INTEGER)", **extra
        )


class EpochInt(Func):
    """Whole seconds since 1970, for keys."""

    output_field = models.BigIntegerField()
    template = "CAST(FLOOR(EXTRACT(EPOCH FROM %(expressions)s)) AS BIGINT)"
    as_sqlite = EpochSeconds.as_sqlite


class ShareReached(Func):
    """True when `percent`% of the time from `start` to `end` has gone by `moment`.

    PostgreSQL computes the point in time with timestamp and interval arithmetic (whole
    microseconds, cheap); SQLite compares whole seconds, elapsed * 100 >= span * percent, which is
    exact at the very second of the threshold.
    """

    output_field = models.BooleanField()

    def __init__(self, start: Any, end: Any, moment: Any, percent: int) -> None:
        super().__init__(start, end, Value(moment, output_field=models.DateTimeField()))
        self.percent = percent

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        (start, sp), (end, ep), (moment, mp) = (compiler.compile(e) for e in self.get_source_expressions())
        share = f"{self.percent / 100:.6f}"
        return f"(({start}) + (({end}) - ({start})) * {share}) <= ({moment})", [*sp, *ep, *sp, *mp]

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        (start, sp), (end, ep), (moment, mp) = (compiler.compile(e) for e in self.get_source_expressions())

        def epoch(sql: str) -> str:
            # '%%s' reaches SQLite as '%s' (the driver's placeholders are '%s' too).
            return f"CAST(strftime('%%s', {sql}) AS INTEGER)"

        sql = (
            f"(({epoch(moment)} - {epoch(start)}) * 100 >= ({epoch(end)} - {epoch(start)}) * {self.percent})"
        )
        return sql, [*mp, *sp, *ep, *sp]


class Absent(Func):
    """NOT EXISTS, written so that PostgreSQL keeps it a subplan: one probe of the index per candidate.

    A plain NOT EXISTS becomes an anti-join, planned from row estimates; when the statistics say that
    no row matches yet (a new table, a reason or deadline never stored before), the planner picks a
    nested loop over a sequential scan of the table, which the sweep's own INSERT grows as it runs:
    quadratic in the number of candidates. A subplan is planned for one probe, i.e. the index.
    """

    template = "(%(expressions)s) IS NOT TRUE"
    output_field = models.BooleanField()


def text(*parts: Any) -> Concat:
    """Concatenation of literal strings and expressions (numbers are cast to text)."""
    pieces: list[Any] = []
    for part in parts:
        if isinstance(part, str):
            pieces.append(Value(part))
        elif isinstance(part, Expression | Combinable):
            pieces.append(Cast(part, models.TextField()))
        else:
            pieces.append(Value(str(part)))
    if len(pieces) == 1:
        pieces.append(Value(""))
    return Concat(*pieces, output_field=models.TextField())


def _expression(model: type[models.Model], name: str, value: Any) -> Any:
    if isinstance(value, Expression | Combinable):
        return value
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise ValueError(f"{model.__name__}.{name} is not a column")
    if isinstance(field, models.ForeignKey):
        return Value(value, output_field=field.target_field)
    return Value(value, output_field=field)


def _column(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field) or field.column is None:
        raise ValueError(f"{model.__name__}.{name} is not a column")
    return field.column


def insert_select(
    model: type[models.Model], rows: QuerySet[Any], values: dict[str, Any], *, unique: str | None = None
) -> int:
    """INSERT INTO model (fields) SELECT <values evaluated on each row of `rows>` [ON CONFLICT (unique)
    DO NOTHING]; returns how many rows were inserted.

    `values` maps every field to set to an expression over `rows` or to a constant; fields left out
    must be nullable.
    """
    aliases = {f"_v{i}": _expression(model, name, value) for i, (name, value) in enumerate(values.items())}
    select = rows.order_by().annotate(**aliases).values_list(*aliases)
    sql, params = select.query.sql_with_params()
    quote = connection.ops.quote_name
    columns = ", ".join(quote(_column(model, name)) for name in values)
    statement = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) {sql}"
    if unique is not None:
        # SQLite reads "SELECT ... FROM a JOIN b ON ... ON CONFLICT" wrongly unless a WHERE comes first.
        if " WHERE " not in sql:
            raise ValueError("insert_select with a unique key needs a filtered queryset")
        statement += f" ON CONFLICT ({quote(_column(model, unique))}) DO NOTHING"
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return max(cursor.rowcount, 0)


def insert_rows(
    model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]], *, unique: str
) -> int:
    """INSERT INTO model (fields) VALUES (...) ON CONFLICT (unique) DO NOTHING for each of `rows`,
    made in Python; returns how many were inserted.

    Rows are plain tuples in the order of `fields` (no model instances: `bulk_create` spends most of
    its time on those and on per-row expressions); dates and JSON get their field's preparation.
    Fields left out take the model field's default (NULL, or "" for text, as `bulk_create` does).
    """
    named = [model._meta.get_field(name) for name in fields]
    given = [f for f in named if isinstance(f, models.Field)]
    missing = [f for f in model._meta.concrete_fields if f.name not in fields and not f.primary_key]
    if len(given) != len(named):
        raise ValueError(f"{model.__name__}: {fields} are not all columns")
    # Only these need converting; ids, numbers and text go to the driver as they are.
    convert = [
        (i, f.get_db_prep_save)
        for i, f in enumerate(given)
        if isinstance(f, models.DateField | models.JSONField | models.DecimalField | models.DurationField)
    ]
    defaults = [f.get_db_prep_save(f.get_default(), connection) for f in missing]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(_column(model, f.name)) for f in [*given, *missing])
    marks = ", ".join(["%s"] * (len(given) + len(missing)))
    statement = (
        f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({marks}) "
        f"ON CONFLICT ({quote(_column(model, unique))}) DO NOTHING"
    )
    prepared = []
    for row in rows:
        values = list(row)
        for i, prep in convert:
            values[i] = prep(values[i], connection)
        prepared.append(values + defaults)
    if not prepared:
        return 0
    if connection.vendor == "postgresql":
        return _copy_then_insert(model, [*given, *missing], prepared, unique)
    with connection.cursor() as cursor:
        cursor.executemany(statement, prepared)
        return max(cursor.rowcount, 0)


def _copy_then_insert(
    model: type[models.Model], fields: Sequence[models.Field], rows: list[list[Any]], unique: str
) -> int:
    """PostgreSQL: COPY the rows into a temporary table, then INSERT ... SELECT ... ON CONFLICT DO
    NOTHING from it. Row by row (even pipelined) the server parses and plans one INSERT per row, and a
    single statement with thousands of parameters is slow to bind on the client; COPY is neither."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(_column(model, f.name)) for f in fields)
    scratch = quote(f"_insert_{model._meta.db_table}")
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE {scratch} AS SELECT {columns} FROM {table} WITH NO DATA")
        with cursor.cursor.copy(f"COPY {scratch} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {scratch} "
            f"ON CONFLICT ({quote(_column(model, unique))}) DO NOTHING"
        )
        inserted = max(cursor.rowcount, 0)
        cursor.execute(f"DROP TABLE {scratch}")
    return inserted
