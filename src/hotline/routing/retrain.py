"""The scheduled retrain: corrections become labels, and the models learn from them and from closed tickets.

`run_retrain()` (the `retrain` task of `hotline worker`, or `hotline model retrain`):

1. collects the corrections in the timeline as labels (`routing.labels`);
2. retrains the category model on the base corpus (settings.HOTLINE["ROUTING"]["BASE_CORPUS"], if
   any) plus one example per ticket (`training_data.category_examples`), the newest
   RETRAIN_MAX_EXAMPLES of them (`_newest`);
3. retrains the department model on the tickets' lead departments once enough departments have
   enough examples; the departments with fewer are pooled into one "other departments" class;
   and the kind model (诉求类型) on the kinds that hotline staff chose at intake, once enough
   kinds have enough examples;
4. registers each new version, which becomes the active one only when its cross-validated
   macro-F1 is at least the active one's (`actions.do_register_model`).

It is idempotent in effect: run twice on the same data it registers two equal versions, the
second activated (equal scores) or not, and nothing else changes.
"""

import logging
from collections import Counter
from typing import Any

from django.conf import settings

from hotline.core import clock
from hotline.routing.actions import retrain_model
from hotline.routing.dataset import DataFileError, read_labelled_csv
from hotline.routing.labels import collect_labels
from hotline.routing.models import ModelTarget, RetrainState
from hotline.routing.training_data import (
    OTHER_DEPARTMENTS,
    Example,
    category_examples,
    department_examples,
    kind_examples,
)

logger = logging.getLogger(__name__)


def _newest(examples: list[Example]) -> tuple[list[Example], int]:
    """The last RETRAIN_MAX_EXAMPLES of `examples` and how many older ones were left out.

    The example lists come oldest first with the corrections at the end, so the cut keeps the
    corrections (the newest of them, should they alone exceed the limit) before any closed ticket,
    then the most recent tickets. It bounds the retrain (the near-copy search is
    quadratic and the stack fits its base models six times per fold), and a category's or a
    department's meaning moves with reorganisations: last year's tickets say more than older ones.
    """
    limit = settings.HOTLINE["ROUTING"]["RETRAIN_MAX_EXAMPLES"]
    older = max(0, len(examples) - limit)
    return examples[older:], older


def _train(target: str, texts: list[str], labels: list[str], folds: int, older: int) -> dict[str, Any]:
    """Train and register; a class with fewer examples than folds is left out (and reported), since
    one scarce class must not keep the others from being learnt. `older`: the examples `_newest`
    cut, for the report."""
    counts = Counter(labels)
    left_out = {label: n for label, n in sorted(counts.items()) if n < folds}
    kept = [(text, label) for text, label in zip(texts, labels, strict=True) if label not in left_out]
    texts, labels = [text for text, _ in kept], [label for _, label in kept]
    classes = len(counts) - len(left_out)
    if classes < 2:
        reason = f"标签少于 2 类（{classes} 类）"
        return {
            "trained": False,
            "reason": reason,
            "examples": len(texts),
            "left_out": left_out,
            "older_left_out": older,
        }
    version = retrain_model(target, texts, labels, folds=folds)
    return {
        "trained": True,
        "version": version.version,
        "active": version.is_active,
        "cv_macro_f1": version.cv_macro_f1,
        "decision": version.decision,
        "examples": len(texts),
        "left_out": left_out,
        "older_left_out": older,
    }


def _train_kind(config: dict[str, Any], folds: int) -> dict[str, Any]:
    """The kind model, once enough kinds have enough closed tickets whose kind a person chose."""
    examples, older = _newest(kind_examples())
    counts = Counter(e.label for e in examples)
    enough = {kind for kind, n in counts.items() if n >= config["KIND_MODEL_MIN_EXAMPLES"]}
    if len(enough) < config["KIND_MODEL_MIN_KINDS"]:
        return {
            "trained": False,
            "reason": (
                f"达到 {config['KIND_MODEL_MIN_EXAMPLES']} 条样本的诉求类型只有 {len(enough)} 种"
                f"（至少 {config['KIND_MODEL_MIN_KINDS']} 种）"
            ),
            "examples": len(examples),
        }
    kept = [e for e in examples if e.label in enough]
    return _train(ModelTarget.KIND, [e.text for e in kept], [e.label for e in kept], folds, older)


def run_retrain() -> dict[str, Any]:
    """Collect labels, retrain the three models where the data allows, and record the report."""
    config = settings.HOTLINE["ROUTING"]
    folds = config["RETRAIN_FOLDS"]
    report: dict[str, Any] = {"started_at": clock.now().isoformat(), "labels": collect_labels()}

    texts: list[str] = []
    labels: list[str] = []
    if config["BASE_CORPUS"]:
        try:
            base = read_labelled_csv(config["BASE_CORPUS"])
        except DataFileError as exc:
            logger.error("base corpus not read: %s", exc)
            report["base_corpus_error"] = str(exc)
        else:
            texts, labels = list(base.texts), list(base.labels)
    report["base_corpus"] = len(texts)
    own, older = _newest(category_examples())
    report[ModelTarget.CATEGORY.value] = _train(
        ModelTarget.CATEGORY, texts + [e.text for e in own], labels + [e.label for e in own], folds, older
    )

    by_department, older = _newest(department_examples())
    counts = Counter(e.label for e in by_department)
    enough = {code for code, n in counts.items() if n >= config["DEPARTMENT_MODEL_MIN_EXAMPLES"]}
    if len(enough) >= config["DEPARTMENT_MODEL_MIN_DEPARTMENTS"]:
        pooled = sorted(set(counts) - enough)
        dept_labels = [e.label if e.label in enough else OTHER_DEPARTMENTS for e in by_department]
        report[ModelTarget.DEPARTMENT.value] = _train(
            ModelTarget.DEPARTMENT, [e.text for e in by_department], dept_labels, folds, older
        ) | {"pooled": pooled}
    else:
        report[ModelTarget.DEPARTMENT.value] = {
            "trained": False,
            "reason": (
                f"达到 {config['DEPARTMENT_MODEL_MIN_EXAMPLES']} 条样本的承办单位只有 {len(enough)} 个"
                f"（至少 {config['DEPARTMENT_MODEL_MIN_DEPARTMENTS']} 个）"
            ),
            "examples": len(by_department),
        }
    report[ModelTarget.KIND.value] = _train_kind(config, folds)
    report["finished_at"] = clock.now().isoformat()
    RetrainState.objects.update_or_create(
        pk=1, defaults={"last_finished_at": clock.now(), "last_report": report}
    )
    logger.info("retrain: %s", report)
    return report
