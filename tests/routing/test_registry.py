import json
from pathlib import Path

import pytest
from django.db import IntegrityError, transaction

from hotline.core.errors import InvalidInput
from hotline.routing import classifier
from hotline.routing.actions import do_register_model
from hotline.routing.models import ModelVersion
from hotline.routing.selectors import active_model_version

pytestmark = pytest.mark.django_db


def model_folder(
    root: Path, name: str, cv_macro_f1: float | None, data_size: int = 100, grouped: bool | None = True
) -> Path:
    """A folder that looks like `hotline model train` wrote it (the registry reads meta.json only)."""
    folder = root / name
    folder.mkdir()
    (folder / classifier.MODEL_FILE).write_bytes(b"")
    cv: dict[str, object] = {"macro_f1": cv_macro_f1, "macro_f1_std": 0.01, "k": 5}
    if grouped is not None:
        cv["grouped"] = grouped
    metrics = {} if cv_macro_f1 is None else {"cv": cv}
    meta = {
        "format": classifier.FORMAT_VERSION,
        "labels": ["城乡建设", "环境保护"],
        "data_size": data_size,
        "training_seconds": 12.5,
        "created_at": "2026-11-20T08:00:00+00:00",
        "metrics": metrics,
    }
    (folder / classifier.META_FILE).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    return folder


def test_the_first_model_with_a_cv_score_becomes_active(tmp_path: Path) -> None:
    version = do_register_model(model_folder(tmp_path, "a", 0.91, data_size=8229))
    assert version.is_active
    assert version.version == 1
    assert version.name == "category-v1"
    assert version.cv_macro_f1 == 0.91
    assert version.data_size == 8229
    assert version.training_seconds == 12.5
    assert version.labels == ["城乡建设", "环境保护"]
    assert version.metrics["cv"]["k"] == 5
    assert version.path == str((tmp_path / "a").resolve())
    assert version.activated_at is not None
    assert "此前没有启用中的模型" in version.decision
    assert active_model_version() == version


@pytest.mark.parametrize(
    ("old", "new", "activated", "reason"),
    [
        (0.91, 0.92, True, "启用：交叉验证 macro-F1 0.9200 ≥ 当前 v1 的 0.9100"),
        (0.91, 0.91, True, "启用：交叉验证 macro-F1 0.9100 ≥ 当前 v1 的 0.9100"),
        (0.91, 0.9099, False, "未启用：交叉验证 macro-F1 0.9099 < 当前 v1 的 0.9100"),
        (0.91, None, False, "未启用：没有交叉验证分数"),
        (None, 0.5, True, "当前 v1 没有交叉验证分数"),
    ],
)
def test_a_new_version_is_activated_only_if_it_scores_at_least_as_well(
    tmp_path: Path, old: float | None, new: float | None, activated: bool, reason: str
) -> None:
    first = do_register_model(model_folder(tmp_path, "old", old))
    if old is None:
        assert not first.is_active
        ModelVersion.objects.filter(pk=first.pk).update(is_active=True)  # e.g. activated by hand
    second = do_register_model(model_folder(tmp_path, "new", new))
    first.refresh_from_db()
    assert second.version == 2
    assert second.is_active is activated
    assert first.is_active is not activated
    assert reason in second.decision
    assert active_model_version() == (second if activated else first)
    assert ModelVersion.objects.filter(is_active=True).count() == 1


@pytest.mark.parametrize("old_grouped", [None, False])
def test_a_score_from_another_cv_protocol_does_not_block_a_new_version(
    tmp_path: Path, old_grouped: bool | None
) -> None:
    """Folds that split near-copies read higher: such a score is not compared with a grouped one."""
    first = do_register_model(model_folder(tmp_path, "old", 0.93, grouped=old_grouped))
    second = do_register_model(model_folder(tmp_path, "new", 0.92, grouped=True))
    first.refresh_from_db()
    assert (first.is_active, second.is_active) == (False, True)
    assert "不可比较" in second.decision
    # Once both are grouped, the usual rule holds again.
    third = do_register_model(model_folder(tmp_path, "newer", 0.91, grouped=True))
    assert not third.is_active
    assert "0.9100 < 当前 v2 的 0.9200" in third.decision


def test_versions_are_numbered_per_target(tmp_path: Path) -> None:
    assert do_register_model(model_folder(tmp_path, "a", 0.9)).version == 1
    assert do_register_model(model_folder(tmp_path, "b", 0.8)).version == 2
    other = do_register_model(model_folder(tmp_path, "c", 0.7), target="department")
    assert (other.version, other.is_active) == (1, True)
    assert active_model_version("department") == other
    assert active_model_version().cv_macro_f1 == 0.9


def test_a_folder_that_is_not_a_model_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="path:"):
        do_register_model(tmp_path / "missing")
    folder = model_folder(tmp_path, "no-joblib", 0.9)
    (folder / classifier.MODEL_FILE).unlink()
    with pytest.raises(InvalidInput, match=r"model\.joblib"):
        do_register_model(folder)
    with pytest.raises(InvalidInput, match="target"):
        do_register_model(model_folder(tmp_path, "ok", 0.9), target="weather")
    assert not ModelVersion.objects.exists()


def test_the_database_allows_one_active_version_per_target(tmp_path: Path) -> None:
    first = do_register_model(model_folder(tmp_path, "a", 0.9))
    second = do_register_model(model_folder(tmp_path, "b", 0.8))
    assert first.is_active and not second.is_active
    with pytest.raises(IntegrityError), transaction.atomic():
        ModelVersion.objects.filter(pk=second.pk).update(is_active=True)
