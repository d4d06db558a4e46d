import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test import Client
from django.utils import translation

from hotline.core.enums import Role
from hotline.routing import reference
from tests.factories import DepartmentFactory, UserFactory

# Held by the live server while it answers a request, on SQLite (below).
LIVE_SERVER_LOCK = threading.Lock()


def live_server_quiet() -> None:
    """Wait until the live server has answered the request it is on: a test's end must not empty the
    database under a request a page sent last (on SQLite they share the connection)."""
    with LIVE_SERVER_LOCK:
        pass


@pytest.fixture(scope="session", autouse=True)
def _live_server_one_request_at_a_time() -> Iterator[None]:
    """On SQLite the live server's request threads share the test's one in-memory connection
    (Django's connections_override): two requests in a transaction at once, such as the htmx loads
    of a page's cards beside a dispatch, fail with "database table is locked", and the page never
    gets its answer. So on SQLite the live server answers one request at a time, as a browser test
    means; on PostgreSQL each thread has its own connection, as in production."""
    if django_settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        yield
        return
    original = ThreadedWSGIServer.set_app

    def set_app(server: ThreadedWSGIServer, app: Callable[..., Iterable[bytes]]) -> None:
        def one_at_a_time(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
            with LIVE_SERVER_LOCK:
                result = app(environ, start_response)
                try:
                    return list(result)
                finally:
                    close = getattr(result, "close", None)
                    if close is not None:
                        close()  # request_finished, as the server would have sent it

        original(server, one_at_a_time)

    ThreadedWSGIServer.set_app = set_app  # type: ignore[method-assign]
    yield
    ThreadedWSGIServer.set_app = original  # type: ignore[method-assign]


@pytest.fixture
def departments(db):
    """A small city: one district with a street under it, and two bureaus."""
    district = DepartmentFactory(code="D01", name="东城区", level="district", is_area=True)
    street = DepartmentFactory(code="D0101", name="和平街道", level="street", parent=district, is_area=True)
    housing = DepartmentFactory(code="B01", name="住建局", level="city")
    water = DepartmentFactory(code="B02", name="水务局", level="city")
    return {"district": district, "street": street, "housing": housing, "water": water}


@pytest.fixture
def staff(departments):
    """One user for every role; handlers belong to a department."""
    return {
        "operator": UserFactory(username="op", role=Role.OPERATOR),
        "operator2": UserFactory(username="op2", role=Role.OPERATOR),
        "dispatcher": UserFactory(username="disp", role=Role.DISPATCHER),
        "supervisor": UserFactory(username="sup", role=Role.SUPERVISOR),
        "leader": UserFactory(username="lead", role=Role.LEADER),
        "admin": UserFactory(username="adm", role=Role.ADMIN),
        "housing": UserFactory(username="h_housing", role=Role.HANDLER, department=departments["housing"]),
        "water": UserFactory(username="h_water", role=Role.HANDLER, department=departments["water"]),
        "street": UserFactory(username="h_street", role=Role.HANDLER, department=departments["street"]),
        "district_head": UserFactory(username="head_d", role=Role.HEAD, department=departments["district"]),
    }


@pytest.fixture
def root(db) -> Client:
    """A client signed in as a superuser of the admin role: the city's system administrator in /admin/."""
    client = Client()
    client.force_login(UserFactory(username="root", role=Role.ADMIN, is_staff=True, is_superuser=True))
    return client


# The settings every test runs with, set by the autouse fixtures below; `tests.once` sets them too
# for the data it builds once for several tests, before those fixtures run.
SUITE_SETTINGS: dict[str, Any] = {
    # PBKDF2 at production strength costs ~0.3 s per user; tests only need hashing to work.
    "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
    # A worker round would otherwise enqueue (and run) a model retrain and a recount of the figures;
    # the routing and analytics tests turn them on.
    "HOTLINE_RETRAIN_INTERVAL": 0,
    "HOTLINE_FIGURES_INTERVAL": 0,
    # The recount's months side by side read on connections of their own, which do not see a test's
    # uncommitted tickets; tests/analytics/test_figures_threads.py commits its own.
    "HOTLINE_FIGURES_THREADS": 1,
    "HOTLINE_ROUTE_SWEEP_INTERVAL": 0,
    "HOTLINE_DEDUP_INTERVAL": 0,
    # The recount of the figures enqueues the hot spots and warnings (analytics.tasks) after it.
    "HOTLINE_HOTSPOT_INTERVAL": 0,
    "HOTLINE_REPORTS_INTERVAL": 0,
    # The sending round of the messages to citizens; tests/citizen_messages send them themselves.
    "HOTLINE_CITIZEN_MESSAGE_INTERVAL": 0,
    # Intake hands every new ticket to the worker (a routing task); here the task runs as the
    # intake commits (the immediate backend, enqueued on commit: tickets.router.enqueue_routing), so
    # a test sees the ticket routed as soon as the request that received it is over, as before.
    # The tests of the worker and its queue ask for the database backend (`database_tasks`).
    "TASKS": {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}},
}


@pytest.fixture(autouse=True)
def _suite_settings(settings):
    for name, value in SUITE_SETTINGS.items():
        setattr(settings, name, value)


@pytest.fixture(autouse=True)
def _routing_reads_the_city_afresh():
    # Routing keeps the city's rules, areas and models per process for a few seconds
    # (routing.reference); a test's rows are rolled back without the signals that empty it.
    reference.clear()
    yield
    reference.clear()


@pytest.fixture
def database_tasks(settings):
    """The task backend as deployed: django-tasks-db's queue, which `hotline worker` runs."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture(autouse=True)
def _language_back_to_default():
    # LocaleMiddleware leaves the language a request asked for active in the thread; a later test
    # would read its messages in English.
    yield
    translation.deactivate()
