"""`hotline taxonomy import FILE.csv`: a three-level tree, idempotent, stable codes, all or nothing."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from hotline.taxonomy.models import Category
from tests.factories import CategoryFactory

SHARED_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
REAL_TREE = SHARED_DATA / "raw" / "tipdm2020c_syucryingstar" / "fujian1_category_tree.csv"

GOOD = """一级分类,二级分类,三级分类
城乡建设,市政设施,路灯
城乡建设,市政设施,道路破损
城乡建设,物业管理,物业服务
环境保护,噪声污染,施工噪声
环境保护,噪声污染,社会生活噪声
"""


def write(tmp_path: Path, text: str, name: str = "tree.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def import_file(path: Path) -> str:
    out = StringIO()
    call_command("taxonomy", "import", str(path), stdout=out)
    return out.getvalue()


def tree() -> dict[str, tuple[str, int, str | None]]:
    return {c.code: (c.name, c.level, c.parent.code if c.parent else None) for c in Category.objects.all()}


@pytest.mark.django_db
def test_imports_three_levels_with_codes_from_the_order_of_the_file(tmp_path):
    output = import_file(write(tmp_path, GOOD))
    assert tree() == {
        "01": ("城乡建设", 1, None),
        "0101": ("市政设施", 2, "01"),
        "010101": ("路灯", 3, "0101"),
        "010102": ("道路破损", 3, "0101"),
        "0102": ("物业管理", 2, "01"),
        "010201": ("物业服务", 3, "0102"),
        "02": ("环境保护", 1, None),
        "0201": ("噪声污染", 2, "02"),
        "020101": ("施工噪声", 3, "0201"),
        "020102": ("社会生活噪声", 3, "0201"),
    }
    assert "一级分类: 新增 2，已存在 0" in output
    assert "三级分类: 新增 5，已存在 0" in output


@pytest.mark.django_db
def test_a_second_import_adds_nothing_and_a_bigger_file_only_what_is_new(tmp_path):
    path = write(tmp_path, GOOD)
    import_file(path)
    before = tree()
    output = import_file(path)
    assert tree() == before
    assert "共新增 0 个分类" in output
    assert "三级分类: 新增 0，已存在 5" in output

    bigger = GOOD + "城乡建设,市政设施,井盖缺失\n交通运输,公共交通,公交线路\n"
    output = import_file(write(tmp_path, bigger, "bigger.csv"))
    assert "共新增 4 个分类" in output
    after = tree()
    assert {k: v for k, v in after.items() if k in before} == before  # existing codes kept
    assert after["010103"] == ("井盖缺失", 3, "0101")
    assert after["03"] == ("交通运输", 1, None)


@pytest.mark.django_db
def test_bom_blank_lines_whitespace_and_short_rows(tmp_path):
    text = (
        "\ufeff一级分类 , 二级分类,三级分类\r\n"
        "\r\n"
        "  城乡建设 ,\u3000市政设施 , 路灯 \r\n"
        ",,\r\n"
        "城乡建设,市政设施,路灯\r\n"
        "民政,,\r\n"
    )
    output = import_file(write(tmp_path, text))
    assert tree() == {
        "01": ("城乡建设", 1, None),
        "0101": ("市政设施", 2, "01"),
        "010101": ("路灯", 3, "0101"),
        "02": ("民政", 1, None),
    }
    assert "tree.csv: 3 行" in output


@pytest.mark.django_db
def test_gb18030_file(tmp_path):
    import_file(write(tmp_path, GOOD, encoding="gb18030"))
    assert Category.objects.filter(level=3).count() == 5


@pytest.mark.django_db
def test_existing_nodes_are_matched_by_name_and_codes_do_not_clash(tmp_path):
    root = CategoryFactory(code="01", name="环境保护", level=1)
    CategoryFactory(code="0101", name="噪声污染", level=2, parent=root)
    CategoryFactory(code="02", name="其他", level=1)
    import_file(write(tmp_path, GOOD))
    codes = tree()
    assert codes["01"] == ("环境保护", 1, None)
    assert codes["010101"] == ("施工噪声", 3, "0101")
    assert codes["03"] == ("城乡建设", 1, None)  # next free number among the roots
    assert Category.objects.filter(name="环境保护").count() == 1


# Rows that follow GOOD (6 lines) and a blank line 7: the first one below is line 8.
BAD_ROWS = [
    ("城乡建设,市政设施\n", 8, "应有 3 列，实际为 2 列"),
    ("城乡建设,市政设施,路灯,多余\n", 8, "应有 3 列，实际为 4 列"),
    ("城乡建设,市政设施,井盖\n\n,市政设施,路灯\n", 10, "一级分类为空"),
    ("城乡建设,市政设施,井盖\n城乡建设,,路灯\n", 9, "三级分类“路灯”缺少二级分类"),
    ("城乡建设,市政设施," + "长" * 101 + "\n", 8, "超过 100 个字符"),
    # The quote is never closed: the next row would become part of the name "井盖…".
    ('城乡建设,市政设施,"井盖\n环境保护,噪声污染,施工噪声\n', 8, "引号未闭合"),
    ("城乡\x1b[31m建设,市政设施,井盖\n", 8, "一级分类不能包含控制字符（U+001B）"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("rows", "line", "message"), BAD_ROWS)
def test_a_bad_row_names_its_line_and_nothing_is_written(tmp_path, rows, line, message):
    with pytest.raises(CommandError) as raised:
        import_file(write(tmp_path, GOOD + "\n" + rows))
    assert f"tree.csv 第 {line} 行" in str(raised.value)
    assert message in str(raised.value)
    assert not Category.objects.exists()  # not even the good rows before it


@pytest.mark.django_db
def test_a_wrong_header_is_refused(tmp_path):
    with pytest.raises(CommandError, match="第 1 行：表头应为“一级分类,二级分类,三级分类”"):
        import_file(write(tmp_path, "一级,二级,三级\n城乡建设,市政设施,路灯\n"))
    assert not Category.objects.exists()


@pytest.mark.django_db
def test_a_file_with_a_nul_is_refused(tmp_path):
    # PostgreSQL cannot store a NUL in a name: refused as every CSV file is, before anything is written.
    with pytest.raises(CommandError, match=r"^tree\.csv: 不是文本文件（含有 NUL 字符）$"):
        import_file(write(tmp_path, GOOD + "城乡建设,市政\x00设施,井盖\n"))
    assert not Category.objects.exists()


@pytest.mark.django_db
def test_empty_and_missing_files(tmp_path):
    with pytest.raises(CommandError, match="缺少表头"):
        import_file(write(tmp_path, "\n\n"))
    with pytest.raises(CommandError, match="无法读取文件"):
        import_file(tmp_path / "absent.csv")


@pytest.mark.django_db
def test_tree_prints_the_imported_tree(tmp_path):
    import_file(write(tmp_path, GOOD))
    out = StringIO()
    call_command("taxonomy", "tree", "--depth", "2", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[:3] == ["01  城乡建设", "  0101  市政设施", "  0102  物业管理"]
    assert not any("路灯" in line for line in lines)


@pytest.mark.django_db
@pytest.mark.skipif(not REAL_TREE.exists(), reason=f"shared data not present at {REAL_TREE}")
def test_the_real_category_tree_imports_and_reimports():
    output = import_file(REAL_TREE)
    assert "fujian1_category_tree.csv: 517 行" in output
    assert Category.objects.filter(level=1).count() == 15
    assert Category.objects.filter(level=3).count() == 517
    assert not Category.objects.filter(level=3, parent__level=1).exists()
    assert "共新增 0 个分类" in import_file(REAL_TREE)
