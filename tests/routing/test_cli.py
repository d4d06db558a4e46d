import csv
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError

from hotline.routing.models import ModelVersion
from tests.routing.conftest import corpus


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("model", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def write_csv(path: Path, rows: list[list[str]], header: tuple[str, ...] = ("id", "text", "label")) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def messy(text: str, i: int) -> str:
    """The kind of text an export holds: line breaks inside, blanks around, full-width digits."""
    head, tail = text[:4], text[4:]
    return ["  ", "\n", "\t"][i % 3] + head + "\r\n   " + tail.replace("12", "１２") + " \n"


@pytest.fixture
def training_csv(tmp_path: Path) -> Path:
    texts, labels = corpus(per_label=9)
    rows = [
        [str(i), messy(text, i), label] for i, (text, label) in enumerate(zip(texts, labels, strict=True))
    ]
    return write_csv(tmp_path / "train.csv", rows)


@pytest.mark.django_db
def test_train_evaluate_cv_and_predict_from_a_messy_csv(training_csv: Path, tmp_path: Path) -> None:
    folder = tmp_path / "model"
    out, _err = run("train", "--data", str(training_csv), "--out", str(folder), "--folds", "3")
    assert "模型已保存" in out
    assert "交叉验证 macro-F1" in out
    assert (folder / "model.joblib").is_file()
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    assert meta["data_size"] == 36
    assert meta["metrics"]["cv"]["k"] == 3
    version = ModelVersion.objects.get()
    assert version.is_active
    assert version.path == str(folder.resolve())
    assert version.cv_macro_f1 == meta["metrics"]["cv"]["macro_f1"]
    assert "已登记为 category v1" in out

    out, _err = run("evaluate", "--model", str(folder), "--data", str(training_csv))
    result = json.loads(out)
    assert result["n"] == 36
    assert {"macro_f1", "accuracy", "per_class", "confusion_matrix"} <= set(result)
    assert set(result["per_class"]["环境保护"]) == {"precision", "recall", "f1", "support"}
    assert result["accuracy"] > 0.9  # its own training data

    out, _err = run("cv", "--data", str(training_csv), "--folds", "3")
    result = json.loads(out)
    assert result["n"] == 36
    assert len(result["folds"]) == 3
    assert "macro_f1_std" in result
    assert "accuracy_std" in result

    with pytest.raises(CommandError, match="目录中已有模型"):
        run("train", "--data", str(training_csv), "--out", str(folder), "--folds", "0")

    out, _err = run("predict", "--model", str(folder), "东风路的路灯一直\n不亮")
    lines = out.strip().splitlines()
    assert len(lines) == 3
    label, probability = lines[0].split("\t")
    assert label == "城乡建设"
    assert 0.0 < float(probability) <= 1.0


@pytest.mark.django_db
def test_bad_rows_are_reported_by_line_and_skipped(training_csv: Path, tmp_path: Path) -> None:
    good = training_csv.read_text(encoding="utf-8")
    # Lines of the good file: the header, then rows whose text spans two lines (`messy`).
    bad = tmp_path / "bad.csv"
    bad.write_text(
        good
        + '900,"小区停水\n三天了",\n'  # no label; starts on the next line after the good rows
        + "901,只有两列\n"  # a wrong number of cells
        + '902," \n\t ",环境保护\n'  # a text that is only whitespace
        + "903,工厂排污,环境保护,多余\n"
        + '904,"垃圾没人清运",环境保护\n',
        encoding="utf-8",
    )
    first_bad = good.count("\n") + 1
    folder = tmp_path / "model"
    out, err = run("train", "--data", str(bad), "--out", str(folder), "--folds", "0", "--no-register")
    assert f"bad.csv 第 {first_bad} 行：“label”为空" in err
    assert f"第 {first_bad + 2} 行：应有 3 列，实际为 2 列" in err
    assert f"第 {first_bad + 3} 行：“text”为空" in err
    assert f"第 {first_bad + 5} 行：应有 3 列，实际为 4 列" in err
    assert "跳过 4 行，使用 37 行" in err
    assert "Traceback" not in err
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    assert meta["data_size"] == 37
    assert meta["source"]["skipped_rows"] == 4
    assert not ModelVersion.objects.exists()

    out, err = run("evaluate", "--model", str(folder), "--data", str(bad))
    assert json.loads(out)["n"] == 37
    assert "跳过 4 行" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["cv", "--text-col", "content"], "缺少列 content（现有列：id, text, label）"),
        (["cv", "--label-col", "category"], "缺少列 category"),
        (["evaluate", "--model", "{folder}", "--text-col", "正文"], "缺少列 正文"),
    ],
)
@pytest.mark.django_db
def test_a_missing_column_stops_with_a_message(
    training_csv: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    folder = tmp_path / "model"
    if "{folder}" in args:
        run("train", "--data", str(training_csv), "--out", str(folder), "--folds", "0", "--no-register")
    args = [a.replace("{folder}", str(folder)) for a in args]
    with pytest.raises(CommandError, match=message):
        run(*args[:1], "--data", str(training_csv), *args[1:])


def test_an_unreadable_file_or_model_stops_with_a_message(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="无法读取文件"):
        run("cv", "--data", str(tmp_path / "missing.csv"))
    (tmp_path / "gbk.csv").write_bytes(b"\xff\xfe\x00\x00\xff")
    with pytest.raises(CommandError, match="无法识别文件编码"):
        run("cv", "--data", str(tmp_path / "gbk.csv"))
    (tmp_path / "empty.csv").write_text("\n\n", encoding="utf-8")
    with pytest.raises(CommandError, match="文件为空"):
        run("cv", "--data", str(tmp_path / "empty.csv"))
    with pytest.raises(CommandError, match="not a model folder"):
        run("predict", "--model", str(tmp_path / "no-model"), "路灯不亮")


def test_a_file_with_too_few_examples_stops_with_a_message(tmp_path: Path) -> None:
    rows = [
        [str(i), text, label]
        for i, (text, label) in enumerate([("路灯不亮", "城乡建设"), ("垃圾成堆", "环境保护")] * 3)
    ]
    path = write_csv(tmp_path / "few.csv", rows)
    with pytest.raises(CommandError, match="5 folds need at least 5"):
        run("cv", "--data", str(path))


@pytest.mark.django_db
def test_train_without_a_database_saves_the_model_and_says_so(
    training_csv: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unavailable(*args: object, **kwargs: object) -> bool:
        raise DatabaseError('relation "routing_modelversion" does not exist')

    monkeypatch.setattr(ModelVersion.objects, "exists", unavailable)
    folder = tmp_path / "model"
    _out, err = run("train", "--data", str(training_csv), "--out", str(folder), "--folds", "0")
    assert '未登记到模型库（数据库不可用：relation "routing_modelversion" does not exist）' in err
    assert (folder / "model.joblib").is_file()
