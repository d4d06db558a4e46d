"""The server loads its models and the OpenAPI document once per process, before the first request."""

import importlib

import gunicorn.workers.sync
import pytest
from django.db import connections
from django.test import Client

from hotline.api import api
from hotline.routing import selectors
from hotline.web.management.commands.serve import Bind, gunicorn_argv
from hotline.web.warmup import warm_up

pytestmark = pytest.mark.django_db


def test_the_openapi_document_is_built_once(monkeypatch):
    api.openapi_cache.clear()
    built = []
    original = type(api).__mro__[1].get_openapi_schema

    def counting(self, **kwargs):
        built.append(kwargs)
        return original(self, **kwargs)

    monkeypatch.setattr(type(api).__mro__[1], "get_openapi_schema", counting)
    first = Client().get("/api/v1/openapi.json")
    second = Client().get("/api/v1/openapi.json")

    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert len(built) == 1  # the second request was served from the cache


def test_gunicorn_preloads_the_application_in_sync_workers():
    argv = gunicorn_argv(Bind("127.0.0.1", 8000, 2))

    assert "--preload" in argv
    # Measured faster than gthread here (docs/benchmarks.md): the work is Python, under one GIL.
    # gunicorn's sync worker, with its own refusals in JSON (web/gunicorn_worker.py).
    module, _dot, name = argv[argv.index("--worker-class") + 1].rpartition(".")
    assert issubclass(getattr(importlib.import_module(module), name), gunicorn.workers.sync.SyncWorker)


def test_the_warm_up_loads_the_active_model_and_builds_the_openapi_document(active_model, monkeypatch):
    selectors._loaded.clear()
    api.openapi_cache.clear()
    closed = []
    monkeypatch.setattr(connections, "close_all", lambda: closed.append(True))

    took = warm_up()

    assert set(took) == {"model:category", "openapi"}
    assert "category" in selectors._loaded  # the first routing will not load it
    assert api.openapi_cache
    # gunicorn forks after the warm-up: no connection may be left open for the workers to share.
    assert closed


def test_a_failing_warm_up_does_not_stop_the_server(monkeypatch, caplog):
    def broken(target):
        raise RuntimeError("model folder unreadable")

    monkeypatch.setattr(selectors, "active_model", broken)

    assert warm_up() == {}
    assert "warm-up failed" in caplog.text


def test_what_routing_keeps_is_forgotten_when_a_row_it_holds_changes(departments):
    from hotline.directory.models import Department
    from hotline.routing import reference

    def codes() -> list[str]:
        return reference.cached("codes", lambda: sorted(Department.objects.values_list("code", flat=True)))

    before = codes()
    Department.objects.create(code="NEW1", name="新单位", level="city")

    assert codes() == sorted([*before, "NEW1"])  # the save emptied the cache in this process


def test_a_value_whose_load_saved_a_watched_row_is_not_kept(db, django_capture_on_commit_callbacks):
    """The system user is created on first use, maybe in a transaction that then rolls back: what
    was loaded while a watched row was saved is used once, not kept, nor anything read in that
    transaction after it; once it commits, the next read is kept."""
    from hotline.accounts.system import system_user
    from hotline.routing import reference

    with django_capture_on_commit_callbacks(execute=True):
        first = reference.cached("system_user", system_user)  # created now
        assert "system_user" not in reference._held
        assert reference.cached("system_user", system_user) == first  # uncommitted: not kept
        assert "system_user" not in reference._held
    assert reference.cached("system_user", system_user) == first  # found now: kept
    assert "system_user" in reference._held
