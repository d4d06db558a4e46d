"""A query the ORM compiles once per process and database, then runs with other values.

Django compiles a queryset's SQL each time it is evaluated. For the few queries that every request
of the API makes (the bearer token and its user; whether a channel sent an appeal already), that
compilation cost more CPU than the database's answer: 0.45 ms against 0.07 ms for the token's
three-table query (docs/benchmarks.md, 2026-12-06). A `CompiledQuery` lets the ORM write the SQL and
the column converters once, from a `values_list` queryset built with marker strings where the values
go, and then runs that SQL with the values of each call, passing the rows through the ORM's
converters (SQLite's dates and booleans) as its iterator does. A queryset whose compiled parameters
do not hold each marker exactly once (a backend that inlined a value) is evaluated by the ORM
each time instead, which is slower but the same.
"""

from collections.abc import Callable
from dataclasses import dataclass
from threading import Lock
from typing import Any

from django.db import connections
from django.db.models import QuerySet
from django.db.models.sql.compiler import SQLCompiler


@dataclass(frozen=True)
class _Form:
    sql: str
    params: tuple[Any, ...]
    slots: tuple[int, ...]  # where each value goes in params
    compiler: SQLCompiler
    converters: dict[int, Any]


class CompiledQuery:
    """`build(*markers)` is a `values_list` queryset; `rows(alias, *values)` its rows for `values`."""

    def __init__(self, name: str, arity: int, build: Callable[..., QuerySet[Any, Any]]) -> None:
        self.build = build
        self.markers = tuple(f"compiled-query-{name}-{n}" for n in range(arity))
        self._forms: dict[str, _Form | None] = {}
        self._lock = Lock()

    def _compile(self, alias: str) -> _Form | None:
        queryset = self.build(*self.markers).using(alias)
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        params = tuple(params)
        if any(params.count(marker) != 1 for marker in self.markers):
            return None
        converters = compiler.get_converters([expression for expression, _sql, _alias in compiler.select])
        slots = tuple(params.index(marker) for marker in self.markers)
        return _Form(sql, params, slots, compiler, converters)

    def _form(self, alias: str) -> _Form | None:
        with self._lock:
            if alias not in self._forms:
                self._forms[alias] = self._compile(alias)
            return self._forms[alias]

    def rows(self, alias: str, *values: Any) -> list[tuple[Any, ...]]:
        form = self._form(alias)
        if form is None:
            return [tuple(row) for row in self.build(*values).using(alias)]
        params = list(form.params)
        for slot, value in zip(form.slots, values, strict=True):
            params[slot] = value
        with connections[alias].cursor() as cursor:
            cursor.execute(form.sql, params)
            fetched = cursor.fetchall()
        if form.converters:
            fetched = list(form.compiler.apply_converters(fetched, form.converters))
        return [tuple(row) for row in fetched]
