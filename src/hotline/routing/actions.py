"""The model registry's actions: the only code that writes `ModelVersion` rows.

A new version becomes the active one only when its cross-validated macro-F1 is at least that of the
version in use, so a retrain on worse or fewer labels cannot quietly make dispatch worse. Every row
says in `decision` why it was or was not activated.
"""

import logging
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from hotline.core import clock
from hotline.core.errors import InvalidInput
from hotline.routing import classifier
from hotline.routing.models import ModelTarget, ModelVersion

logger = logging.getLogger(__name__)


def models_home() -> Path:
    """Where model folders live: HOTLINE_HOME/models."""
    return Path(settings.HOTLINE_HOME) / "models"


def _cv_macro_f1(meta: dict[str, Any]) -> float | None:
    value = (meta.get("metrics") or {}).get("cv", {}).get("macro_f1")
    return float(value) if isinstance(value, int | float) else None


def _decide(new_score: float | None, active: ModelVersion | None) -> tuple[bool, str]:
    if new_score is None:
        return False, "未启用：没有交叉验证分数"
    if active is None:
        return True, f"启用：交叉验证 macro-F1 {new_score:.4f}，此前没有启用中的模型"
    if active.cv_macro_f1 is None:
        return True, f"启用：交叉验证 macro-F1 {new_score:.4f}，当前 v{active.version} 没有交叉验证分数"
    comparison = f"交叉验证 macro-F1 {new_score:.4f} {{}} 当前 v{active.version} 的 {active.cv_macro_f1:.4f}"
    if new_score >= active.cv_macro_f1:
        return True, "启用：" + comparison.format("≥")
    return False, "未启用：" + comparison.format("<")


@transaction.atomic
def do_register_model(directory: Path | str, *, target: str = ModelTarget.CATEGORY) -> ModelVersion:
    """Add the model folder `directory` to the registry; activate it if it scores at least as well.

    The scores come from the folder's meta.json (`metrics.cv.macro_f1`, written by `hotline model
    train`). Raises InvalidInput for a folder that is not a model.
    """
    if target not in ModelTarget.values:
        raise InvalidInput(f"target: 未知预测目标 {target!r}")
    directory = Path(directory).resolve()
    try:
        meta = classifier.read_meta(directory)
    except classifier.ModelLoadError as exc:
        raise InvalidInput(f"path: {exc}") from None
    if not (directory / classifier.MODEL_FILE).is_file():
        raise InvalidInput(f"path: {directory} 中没有 {classifier.MODEL_FILE}")

    # Lock the target's rows so that two registrations in parallel number and decide one after the other.
    rows = list(ModelVersion.objects.select_for_update().filter(target=target).only("pk", "version"))
    version = max((row.version for row in rows), default=0) + 1
    active = ModelVersion.objects.filter(target=target, is_active=True).first()
    score = _cv_macro_f1(meta)
    activate, decision = _decide(score, active)
    now = clock.now()
    if activate and active is not None:
        active.is_active = False
        active.save(update_fields=["is_active"])
    created = meta.get("created_at")
    new = ModelVersion.objects.create(
        target=target,
        version=version,
        name=f"{target}-v{version}",
        path=str(directory),
        data_size=int(meta.get("data_size") or 0),
        labels=list(meta.get("labels") or []),
        metrics=meta.get("metrics") or {},
        cv_macro_f1=score,
        training_seconds=float(meta.get("training_seconds") or 0.0),
        created_at=datetime.fromisoformat(created) if created else now,
        is_active=activate,
        activated_at=now if activate else None,
        decision=decision,
    )
    logger.info("model %s registered from %s: %s", new.name, directory, decision)
    return new


def retrain_category_model(
    texts: Sequence[str],
    labels: Sequence[str],
    *,
    folds: int = 5,
    out: Path | None = None,
    n_jobs: int = 1,
) -> ModelVersion:
    """Cross-validate, train on everything, save under HOTLINE_HOME/models and register.

    What a scheduled retrain runs, with examples from `training_data.closed_ticket_examples` (plus
    any base corpus). Training takes minutes, so it runs outside any transaction; only the
    registration is one.
    """
    cv = classifier.cross_validate(texts, labels, folds=folds, n_jobs=n_jobs)
    model = classifier.train(texts, labels)
    model.meta["metrics"]["cv"] = {k: v for k, v in cv.items() if k != "settings"}
    if out is None:
        stamp = clock.now().strftime("%Y%m%dT%H%M%S%fZ")
        out = models_home() / f"{ModelTarget.CATEGORY}-{stamp}"
    classifier.save(model, out)
    return do_register_model(out, target=ModelTarget.CATEGORY)
