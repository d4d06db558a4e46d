"""The API token of a bearer request, with its user and the user's department, in one query that
the ORM compiles once (`core.compiled`): every request of a channel or a script is authenticated
this way, and compiling the three-table query each time was more than a tenth of an intake
request's CPU (docs/benchmarks.md, 2026-12-06). The row is made into instances with
`Model.from_db`, as the ORM's own iterator does; every concrete field of the three models is read,
so a field added to a model is read here too.
"""

import functools
from typing import Any

from django.db import router
from django.db.models import Model, QuerySet

from hotline.accounts.models import ApiToken, User
from hotline.core.compiled import CompiledQuery


def _fields(model: type[Model]) -> tuple[str, ...]:
    return tuple(f.attname for f in model._meta.concrete_fields)


def _department_model() -> type[Model]:
    # As the user's field names it: accounts sits below directory's layer and does not import it.
    model = User._meta.get_field("department").related_model
    assert isinstance(model, type) and issubclass(model, Model)
    return model


@functools.cache
def _parts() -> tuple[tuple[type[Model], tuple[str, ...]], ...]:
    """The models of the row, each with its fields' attnames, in the order of the columns: read
    once, as every request's row is cut up by them."""
    department = _department_model()
    return ((ApiToken, _fields(ApiToken)), (User, _fields(User)), (department, _fields(department)))


def _query(key_hash: str) -> QuerySet[Any, Any]:
    (_token, token_fields), (_user, user_fields), (_department, department_fields) = _parts()
    columns = [
        *token_fields,
        *(f"user__{name}" for name in user_fields),
        *(f"user__department__{name}" for name in department_fields),
    ]
    return ApiToken.objects.filter(key_hash=key_hash).values_list(*columns)[:1]


_TOKEN = CompiledQuery("token", 1, _query)


def _from_row(alias: str, row: tuple[Any, ...]) -> ApiToken:
    made: list[Model | None] = []
    start = 0
    for model, names in _parts():
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
    rows = _TOKEN.rows(alias, key_hash)
    return _from_row(alias, rows[0]) if rows else None
