"""`hotline knowledge import FILE`: articles from CSV or .xlsx, every row checked first; a file
with a bad row stores nothing and names the line. Also `search`, `propose` and `reindex`."""

import csv
import io

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from hotline.core.enums import ArticleStatus
from hotline.knowledge.models import Article, ArticleVersion
from tests.factories import CategoryFactory, DepartmentFactory

pytestmark = pytest.mark.django_db

HEADER = ["标题", "答复口径", "常见问法", "分类", "责任单位", "生效日期", "失效日期", "对外公开"]


@pytest.fixture
def reference(db):
    root = CategoryFactory(code="03", name="劳动和社会保障")
    CategoryFactory(code="0301", name="社会保险", level=2, parent=root)
    DepartmentFactory(code="B07", name="人社局")


def _csv(path, rows, header=HEADER):
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("knowledge", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


GOOD = [
    [
        "社保卡丢失补办",
        "社保卡遗失后先拨打 12333 口头挂失，再由本人持身份证到发卡银行补办。",
        "社保卡掉了",
        "劳动和社会保障/社会保险",
        "B07",
        "2026-01-01",
        "",
        "是",
    ],
    [
        "失业保险金申领",
        "参保满一年、非本人意愿中断就业并办理失业登记的，可申领失业保险金。",
        "",
        "0301",
        "人社局",
        "",
        "2030-12-31",
        "否",
    ],
]


def test_a_csv_file_becomes_drafts_for_review(tmp_path, reference) -> None:
    out, _err = _run("import", str(_csv(tmp_path / "k.csv", GOOD)))
    assert "已导入 2 条知识" in out
    card = Article.objects.get(title="社保卡丢失补办")
    assert card.status == ArticleStatus.DRAFT and card.public
    assert card.category.code == "0301" and card.owner.code == "B07"
    assert str(card.valid_from) == "2026-01-01" and card.valid_until is None
    assert ArticleVersion.objects.filter(article=card, number=1).exists()
    assert "社保卡" in card.title_tokens.split()


def test_an_xlsx_file_published_at_once_and_searched(tmp_path, reference) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["title", "body", "category"])
    for row in GOOD:
        sheet.append([row[0], row[1], row[3]])
    book.save(tmp_path / "k.xlsx")
    _run("import", str(tmp_path / "k.xlsx"), "--publish")
    assert set(Article.objects.values_list("status", flat=True)) == {ArticleStatus.PUBLISHED}
    out, _err = _run("search", "我的社保卡掉了怎么补", "--top", "1")
    assert "社保卡丢失补办" in out


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([["", "正文"] + [""] * 6], "第 3 行：标题：标题不能为空"),
        ([["长" * 201, "正文"] + [""] * 6], "第 3 行：标题：标题不能超过 200 字"),
        ([["标题", "正"] + ["问" * 20_001] + [""] * 5], "第 3 行：常见问法：常见问法不能超过 20000 字"),
        ([["标题", "正文", "", "没有的分类", "", "", "", ""]], "第 3 行：分类：没有分类“没有的分类”"),
        ([["标题", "正文", "", "", "B99", "", "", ""]], "第 3 行：责任单位：没有单位“B99”"),
        ([["标题", "正文", "", "", "", "2026-13-01", "", ""]], "第 3 行：生效日期"),
        (
            [["标题", "正文", "", "", "", "2026-02-01", "2026-01-01", ""]],
            "第 3 行：失效日期：失效日期不能早于生效日期",
        ),
        ([["标题", "正文", "", "", "", "", "", "也许"]], "第 3 行：对外公开"),
        ([GOOD[0], GOOD[0]], "第 4 行：标题“社保卡丢失补办”与第 3 行重复"),
    ],
)
def test_a_bad_row_stores_nothing_and_names_its_line(tmp_path, reference, rows, message) -> None:
    path = _csv(tmp_path / "k.csv", [GOOD[1], *rows])
    err = io.StringIO()
    with pytest.raises(CommandError, match="未导入任何知识"):
        call_command("knowledge", "import", str(path), stdout=io.StringIO(), stderr=err)
    assert message in err.getvalue()
    assert not Article.objects.exists()


def test_a_field_error_is_named_by_the_column_as_the_file_has_it(tmp_path, reference) -> None:
    """Not by the field's name inside Hotline: a file with English headers is told its own."""
    rows = [["", "x" * 20_001], ["标题", ""]]
    path = _csv(tmp_path / "k.csv", rows, header=["title", "body"])
    err = io.StringIO()
    with pytest.raises(CommandError, match="未导入任何知识"):
        call_command("knowledge", "import", str(path), stdout=io.StringIO(), stderr=err)
    assert "第 2 行：title：标题不能为空；body：答复口径不能超过 20000 字" in err.getvalue()
    assert "第 3 行：body：答复口径不能为空" in err.getvalue()
    path = _csv(tmp_path / "k2.csv", [["标题", ""]], header=["标题", "答复内容"])
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("knowledge", "import", str(path), stdout=io.StringIO(), stderr=err)
    assert "第 2 行：答复内容：答复口径不能为空" in err.getvalue()


def test_a_file_without_the_columns_or_unreadable(tmp_path, reference) -> None:
    with pytest.raises(CommandError, match="缺少列 答复口径"):
        _run("import", str(_csv(tmp_path / "k.csv", [["x"]], header=["标题", "内容"])))
    with pytest.raises(CommandError, match="只能导入"):
        _run("import", str(tmp_path / "k.txt"))


def test_importing_again_is_refused(tmp_path, reference) -> None:
    path = _csv(tmp_path / "k.csv", GOOD)
    _run("import", str(path))
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("knowledge", "import", str(path), stdout=io.StringIO(), stderr=err)
    assert "知识库已有标题" in err.getvalue()
    assert Article.objects.count() == 2


def test_a_dry_run_stores_nothing(tmp_path, reference) -> None:
    out, _err = _run("import", str(_csv(tmp_path / "k.csv", GOOD)), "--dry-run")
    assert "检查通过：2 条" in out and not Article.objects.exists()


def test_reindex(tmp_path, reference) -> None:
    _run("import", str(_csv(tmp_path / "k.csv", GOOD)), "--publish")
    Article.objects.update(title_tokens="")
    out, _err = _run("reindex")
    assert "已重建 2 条" in out
    assert "社保卡" in Article.objects.get(title="社保卡丢失补办").title_tokens.split()


def test_control_characters_in_a_file_are_left_out_of_the_articles(tmp_path, reference) -> None:
    # As `hotline import` reads the same files: text pasted from elsewhere brings them along.
    rows = [["社保卡\x1b[31m丢失补办", "先挂失\x01，再补办。", "社保卡\x0b掉了"]]
    _run("import", str(_csv(tmp_path / "k.csv", rows, HEADER[:3])))
    article = Article.objects.get()
    assert (article.title, article.body, article.question) == (
        "社保卡[31m丢失补办",
        "先挂失，再补办。",
        "社保卡掉了",
    )


@pytest.mark.parametrize("days", ["0", "99999999999"])
def test_propose_refuses_a_number_of_days_out_of_range(days) -> None:
    with pytest.raises(CommandError, match=r"^--days 须在 1 到 36500 之间$"):
        _run("propose", "--days", days)
