"""An article's validity dates lie in the range Hotline takes in (core/timerange.py: 2000-01-01 ..
2100-12-31): the API refuses others with 422, `hotline knowledge import` names the line, the
database refuses them, and `hotline dates repair` mends rows stored before that."""

import csv
import io
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction

from hotline.knowledge.actions import ArticleData, do_create_article
from hotline.knowledge.models import Article, ArticleVersion
from tests.api.conftest import API

pytestmark = pytest.mark.django_db

RANGE = "须在 2000-01-01 至 2100-12-31 之间（北京时间）"
OUT = ["0001-01-01", "1999-12-31", "2101-01-01", "9999-12-31"]
# (table, constraint, column) of every CHECK constraint on the articles' dates.
CHECKS = [
    ("knowledge_article", "article_valid_from_in_range", "valid_from"),
    ("knowledge_article", "article_valid_until_in_range", "valid_until"),
    ("knowledge_articleversion", "article_version_valid_from_in_range", "valid_from"),
    ("knowledge_articleversion", "article_version_valid_until_in_range", "valid_until"),
]


def refused(response, field: str) -> None:
    assert response.status_code == 422, response.content
    assert response.json()["detail"] == f"{field}: {RANGE}", response.json()


@pytest.mark.parametrize("day", OUT)
@pytest.mark.parametrize("field", ["valid_from", "valid_until"])
def test_the_api_refuses_a_date_out_of_range(api_as, staff, field, day) -> None:
    admin = api_as(staff["admin"])
    refused(admin.post("/knowledge/articles", {"title": "t", "body": "b", field: day}), field)
    assert not Article.objects.exists()
    article = admin.post("/knowledge/articles", {"title": "t", "body": "b"}).json()
    refused(
        put(admin, f"/knowledge/articles/{article['id']}", {"title": "t2", "body": "b", field: day}), field
    )
    assert Article.objects.get().title == "t" and ArticleVersion.objects.count() == 1


def put(api, path: str, body: dict):
    return api.client.put(API + path, body, content_type="application/json", headers=api.headers)


def test_the_api_takes_the_ends_of_the_range(api_as, staff) -> None:
    response = api_as(staff["admin"]).post(
        "/knowledge/articles",
        {"title": "t", "body": "b", "valid_from": "2000-01-01", "valid_until": "2100-12-31"},
    )
    assert response.status_code == 201, response.content
    assert (response.json()["valid_from"], response.json()["valid_until"]) == ("2000-01-01", "2100-12-31")


def _csv(path, rows):
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["标题", "答复口径", "生效日期", "失效日期"])
        writer.writerows(rows)
    return path


@pytest.mark.parametrize("day", OUT)
def test_the_import_names_the_line_of_a_date_out_of_range(tmp_path, day) -> None:
    path = _csv(
        tmp_path / "k.csv",
        [["社保卡补办", "先挂失再补办", "2026-01-01", ""], ["公积金提取", "到柜台办理", "", day]],
    )
    err = io.StringIO()
    with pytest.raises(CommandError, match="未导入任何知识"):
        call_command("knowledge", "import", str(path), "--dry-run", stdout=io.StringIO(), stderr=err)
    assert f"第 3 行：失效日期: {RANGE}" in err.getvalue()
    assert not Article.objects.exists()


def test_the_import_takes_the_ends_of_the_range(tmp_path) -> None:
    path = _csv(tmp_path / "k.csv", [["社保卡补办", "先挂失再补办", "2000-01-01", "2100-12-31"]])
    call_command("knowledge", "import", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    article = Article.objects.get()
    assert (article.valid_from, article.valid_until) == (date(2000, 1, 1), date(2100, 12, 31))


# --- the database and `hotline dates repair` ---------------------------------------------------------


@pytest.fixture
def article(staff) -> Article:
    return do_create_article(
        staff["admin"],
        ArticleData(
            title="社保卡补办",
            body="先挂失再补办",
            valid_from=date(2026, 1, 1),
            valid_until=date(2026, 12, 31),
        ),
    )


@pytest.mark.parametrize(("table", "name", "column"), CHECKS)
def test_the_database_refuses_a_date_out_of_range(article, table, name, column) -> None:
    for value in ("'1999-12-31'", "'2101-01-01'", "'0001-01-01'", "'9999-12-31'"):
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET {column} = {value}")
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {column} = NULL")


@contextmanager
def checks_off() -> Iterator[None]:
    """Lets the test write what the database held before the constraints existed."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA ignore_check_constraints = ON")
            try:
                yield
            finally:
                cursor.execute("PRAGMA ignore_check_constraints = OFF")
        else:
            # Dropped inside the test's transaction: its rollback brings them back.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table, name, _column in CHECKS:
                cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
            yield


def dates(*args: str) -> str:
    out = io.StringIO()
    call_command("dates", "repair", *args, stdout=out)
    return out.getvalue()


def test_repair_brings_the_dates_to_the_nearest_end(article) -> None:
    version = ArticleVersion.objects.get(article=article)
    with checks_off():
        with connection.cursor() as cursor:
            for table in ("knowledge_article", "knowledge_articleversion"):
                cursor.execute(f"UPDATE {table} SET valid_from = '0001-01-01', valid_until = '9999-12-31'")

        listed = dates("--dry-run")
        assert f"knowledge.Article.valid_from：1 行超出范围（编号 {article.pk}）" in listed
        assert f"knowledge.Article.valid_until：1 行超出范围（编号 {article.pk}）" in listed
        assert f"knowledge.ArticleVersion.valid_from：1 行超出范围（编号 {version.pk}）" in listed
        assert f"knowledge.ArticleVersion.valid_until：1 行超出范围（编号 {version.pk}）" in listed
        assert "共 4 行，未修改（--dry-run）" in listed

        assert "共 4 行，已修复" in dates()
        assert dates() == "没有超出 2000-01-01 至 2100-12-31（北京时间） 的时间\n"

    for row in (Article.objects.get(pk=article.pk), ArticleVersion.objects.get(pk=version.pk)):
        assert (row.valid_from, row.valid_until) == (date(2000, 1, 1), date(2100, 12, 31))


@pytest.mark.parametrize("field", ["valid_from", "valid_until"])
def test_the_page_refuses_a_date_out_of_range(client, staff, field) -> None:
    # The rule is the action's (ArticleData.clean): the page shows it rather than a server error.
    client.force_login(staff["admin"])
    response = client.post("/knowledge/new/", {"title": "t", "body": "b", field: "0001-01-01"})
    assert response.status_code == 422
    assert RANGE in response.content.decode()
    assert not Article.objects.exists()
