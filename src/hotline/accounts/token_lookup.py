"""The API token of a bearer request, with its user and the user's department, in one query whose
SQL the ORM compiled once.

Every request of a channel or a script is authenticated this way, and the ORM's compilation of the
three-table query cost more than a tenth of an intake request's CPU (0.45 of about 3.4 ms,
docs/benchmarks.md, 2026-12-06): the query never changes but its value, so it is compiled by the ORM
once per process and database, and its row is made into instances with `Model.from_db`, as the
ORM's own iterator does, after the ORM's converters for each column (SQLite's dates and booleans).
The ORM still writes the SQL, names the columns and converts the values, so a field added to a
model is read here too; a query whose compiled form is not the expected one (a backend that
inlines the value) falls back to the ORM.
"""

from dataclasses import dataclass
from threading import Lock
from typing import Any

from django.db import connections, router
from django.db.models import Model
from django.db.models.sql.compiler import SQLCompiler

from hotline.accounts.models import ApiToken, User

# Stands in for the hash while compiling; a real hash is 64 hexadecimal characters.
_MARK = "token-lookup-compile-mark"


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple[Any, ...]
    at: int  # the index of the hash in params
    # The models of the row, each with its fields' attnames, in the order of the columns.
    parts: tuple[tuple[type[Model], tuple[str, ...]], ...]
    compiler: SQLCompiler
    converters: dict[int, Any]


_compiled: dict[str, _Compiled | None] = {}
_lock = Lock()


def _fields(model: type[Model]) -> tuple[str, ...]:
    return tuple(f.attname for f in model._meta.concrete_fields)


def _compile(alias: str) -> _Compiled | None:
    # The department's model as the user's field names it: accounts sits below directory's layer.
    department = User._meta.get_field("department").related_model
    assert isinstance(department, type) and issubclass(department, Model)
    parts = ((ApiToken, _fields(ApiToken)), (User, _fields(User)), (department, _fields(department)))
    columns = [
        *parts[0][1],
        *(f"user__{name}" for name in parts[1][1]),
        *(f"user__department__{name}" for name in parts[2][1]),
    ]
    query = ApiToken.objects.using(alias).filter(key_hash=_MARK).values_list(*columns)[:1].query
    compiler = query.get_compiler(using=alias)
    sql, params = compiler.as_sql()
    if list(params).count(_MARK) != 1 or len(compiler.select) != len(columns):
        return None
    converters = compiler.get_converters([expression for expression, _sql, _alias in compiler.select])
    return _Compiled(sql, tuple(params), list(params).index(_MARK), parts, compiler, converters)


def _from_row(alias: str, compiled: _Compiled, row: tuple[Any, ...]) -> ApiToken:
    made: list[Model | None] = []
    start = 0
    for model, names in compiled.parts:
        values = row[start : start + len(names)]
        start += len(names)
        pk_at = names.index(model._meta.pk.attname)  # type: ignore[union-attr]
        made.append(None if values[pk_at] is None else model.from_db(alias, list(names), list(values)))
    token, user, department = made
    assert isinstance(token, ApiToken) and isinstance(user, User)
    user.department = department  # type: ignore[assignment]  # None: a user of no department
    token.user = user
    return token


def token_by_hash(key_hash: str) -> ApiToken | None:
    """The token whose hash is `key_hash`, with `user` and `user.department` read, or None."""
    alias = router.db_for_read(ApiToken)
    with _lock:
        if alias not in _compiled:
            _compiled[alias] = _compile(alias)
        compiled = _compiled[alias]
    if compiled is None:
        return next(
            iter(ApiToken.objects.select_related("user", "user__department").filter(key_hash=key_hash)[:1]),
            None,
        )
    params = list(compiled.params)
    params[compiled.at] = key_hash
    with connections[alias].cursor() as cursor:
        cursor.execute(compiled.sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    if compiled.converters:
        row = next(iter(compiled.compiler.apply_converters([row], compiled.converters)))
    return _from_row(alias, compiled, tuple(row))
