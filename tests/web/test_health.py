"""/healthz, /readyz and /metrics (web/health.py, core/metrics.py), through the test client."""

import json
from datetime import timedelta

import pytest
from django.db import OperationalError, connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from hotline.analytics.selectors import overdue_now
from hotline.core import clock
from hotline.routing import classifier
from hotline.routing.models import ModelTarget, ModelVersion
from hotline.routing.selectors import active_model
from hotline.supervision.tasks import sweep
from hotline.tickets.actions import do_dispatch_ticket
from tests.web.conftest import NOW


@pytest.fixture
def database_queue(settings):
    """The task backend as deployed (django-tasks-db), whose queue /readyz and /metrics read."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def no_database(execute, sql, params, many, context):
    raise OperationalError("connection to server failed: the test says so")


def model_version(path, target: str = ModelTarget.CATEGORY) -> ModelVersion:
    return ModelVersion.objects.create(
        target=target,
        version=1,
        name=f"{target}-v1",
        path=str(path),
        data_size=40,
        training_seconds=0.1,
        created_at=timezone.now(),
        is_active=True,
    )


# --- /healthz -------------------------------------------------------------------------------------


def test_healthz_answers_without_touching_the_database(client) -> None:
    with connection.execute_wrapper(no_database):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


# --- /readyz --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_readyz_reports_every_check_and_the_queue_depth(client, database_queue) -> None:
    sweep.enqueue()
    sweep.enqueue()
    response = client.get("/readyz")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ok" and body["failed"] == []
    assert body["checks"]["database"]["ok"]
    assert body["checks"]["migrations"] == {"ok": True, "pending": []}
    assert body["checks"]["tasks"] == {"ok": True, "ready": 2}
    assert body["checks"]["models"] == {"ok": True, "models": []}  # no model yet: the rules route


@pytest.mark.django_db
def test_readyz_fails_on_a_migration_not_applied(client) -> None:
    # The newest applied migration has no applied dependants: forgetting it is a pending migration.
    last = MigrationRecorder.Migration.objects.order_by("-id").first()
    assert last is not None
    last.delete()
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable" and body["failed"] == ["migrations"]
    assert body["checks"]["migrations"]["pending"] == [f"{last.app}.{last.name}"]
    assert "1 个迁移未执行" in body["checks"]["migrations"]["error"]


@pytest.mark.django_db
def test_readyz_fails_when_the_active_model_is_missing(client, tmp_path) -> None:
    model_version(tmp_path / "gone")
    response = client.get("/readyz", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["models"]
    models = body["checks"]["models"]
    assert models["models"] == [{"target": "category", "name": "category-v1", "state": "broken"}]
    assert "gone" in models["error"] and "meta.json" in models["error"]


@pytest.mark.django_db
def test_readyz_tells_a_loaded_model_from_one_only_on_disk(client, tmp_path) -> None:
    texts = [f"{place}路灯不亮" for place in "东西南北中"] + [f"{place}噪音扰民" for place in "东西南北中"]
    model = classifier.train(texts * 2, ["城建"] * 5 + ["环保"] * 5 + ["城建"] * 5 + ["环保"] * 5)
    classifier.save(model, tmp_path / "category-v1")
    model_version(tmp_path / "category-v1")

    assert client.get("/readyz").json()["checks"]["models"]["models"][0]["state"] == "loadable"
    assert active_model() is not None  # what routing does on its first ticket
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"]["models"]["models"][0]["state"] == "loaded"


@pytest.mark.django_db
def test_readyz_names_each_check_the_database_fails(client) -> None:
    with connection.execute_wrapper(no_database):
        response = client.get("/readyz")
    assert response.status_code == 503
    body = json.loads(response.content)
    assert body["failed"] == ["database", "migrations", "tasks", "models"]
    assert "connection to server failed" in body["checks"]["database"]["error"]


# --- /metrics -------------------------------------------------------------------------------------


def scrape(client, **extra) -> dict[str, float]:
    response = client.get("/metrics", **extra)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    samples = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            labels = ",".join(f"{k}={v}" for k, v in sorted(sample.labels.items()))
            samples[f"{sample.name}{{{labels}}}"] = sample.value
    return samples


@pytest.mark.django_db
def test_metrics_count_requests_by_method_and_status_class(client) -> None:
    before = scrape(client)
    for _ in range(3):
        assert client.get("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405
    assert client.get("/api/v1/nothing-here").status_code == 404
    after = scrape(client)

    def grew(key: str) -> float:
        return after.get(key, 0) - before.get(key, 0)

    # The first scrape itself is counted too (GET, 2xx).
    assert grew("hotline_http_requests_total{method=GET,status=2xx}") == 4
    assert grew("hotline_http_requests_total{method=POST,status=4xx}") == 1
    assert grew("hotline_http_requests_total{method=GET,status=4xx}") == 1
    assert grew("hotline_http_request_duration_seconds_count{}") == 6
    assert grew("hotline_http_request_duration_seconds_bucket{le=+Inf}") == 6
    assert (
        after["hotline_http_request_duration_seconds_sum{}"]
        > before["hotline_http_request_duration_seconds_sum{}"]
    )


@pytest.mark.django_db
def test_metrics_read_the_queue_and_the_overdue_assignments(
    client, staff, departments, waiting, database_queue
) -> None:
    with clock.frozen_at(NOW):  # dispatched a year and more ago: long overdue now
        do_dispatch_ticket(waiting[0], staff["dispatcher"], lead_department_id=departments["housing"].pk)
    sweep.enqueue()
    samples = scrape(client)
    assert samples["hotline_assignments_overdue{}"] == overdue_now(clock.now()) == 1
    assert samples["hotline_task_queue_ready{}"] == 1
    assert (
        0 <= samples["hotline_task_queue_oldest_ready_age_seconds{}"] < timedelta(minutes=5).total_seconds()
    )


@pytest.mark.django_db
def test_metrics_are_for_the_staff_network_or_the_token_only(client, settings) -> None:
    settings.HOTLINE_METRICS_ALLOW = ["10.0.0.0/8", "not a network", "::1/128"]
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.7").status_code == 403
    assert client.get("/metrics").status_code == 403  # 127.0.0.1 is not in the list any more
    assert scrape(client, REMOTE_ADDR="10.20.30.40")
    assert scrape(client, REMOTE_ADDR="::ffff:10.1.2.3")  # IPv4 seen through an IPv6 socket
    assert scrape(client, REMOTE_ADDR="::1")

    # Through a proxy on the staff network the connection's address is the proxy's: not enough.
    assert (
        client.get("/metrics", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.9").status_code == 403
    )
    assert client.get("/metrics", REMOTE_ADDR="::1", HTTP_FORWARDED="for=198.51.100.9").status_code == 403

    settings.HOTLINE_METRICS_TOKEN = "s3cret-scraper-token"
    outside = {"REMOTE_ADDR": "203.0.113.7"}
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong", **outside).status_code == 403
    assert scrape(client, HTTP_AUTHORIZATION="Bearer s3cret-scraper-token", **outside)
