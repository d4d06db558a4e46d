"""`hotline model train|evaluate|cv|predict`: the category classifier from the command line.

    hotline model train --data FILE.csv [--text-col text] [--label-col label] --out DIR
    hotline model evaluate --model DIR --data FILE.csv [--text-col text] [--label-col label]
    hotline model cv --data FILE.csv --folds 5
    hotline model predict --model DIR "text"
    hotline model retrain

`retrain` does now what `hotline worker` schedules: corrections become labels, the category and
department models are retrained from them and from closed tickets, and registered (JSON report).

`train` cross-validates first (the registry needs that score to decide whether the new version
replaces the active one), fits on all rows, writes DIR and registers it when a database is there.
`evaluate` and `cv` print one JSON object. Bad rows of the CSV are listed on stderr by line and
skipped; a missing column or an unreadable file stops with a message (exit status 1).
"""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError
from django.utils.translation import gettext as _

from hotline.routing import classifier
from hotline.routing.dataset import DataFileError, LabelledData, read_labelled_csv


class Command(BaseCommand):
    help = "Train, evaluate, cross-validate or run the category classifier."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(
            dest="subcommand", required=True, metavar="{train,evaluate,cv,predict,retrain}"
        )

        def data_args(p: Any) -> None:
            p.add_argument("--data", type=Path, required=True, help="CSV file with a header row")
            p.add_argument("--text-col", default="text", help="column with the message text (default: text)")
            p.add_argument("--label-col", default="label", help="column with the label (default: label)")

        train = sub.add_parser("train", help="fit a model on a CSV and save it to a folder")
        data_args(train)
        train.add_argument("--out", type=Path, required=True, help="folder to write the model into")
        train.add_argument(
            "--folds", type=int, default=5, help="cross-validation folds before training (0: skip; default 5)"
        )
        train.add_argument("--jobs", type=int, default=1, choices=[1, 2], help="parallel folds (default 1)")
        train.add_argument("--no-register", action="store_true", help="do not add the model to the registry")

        evaluate = sub.add_parser("evaluate", help="score a saved model on a labelled CSV (JSON)")
        evaluate.add_argument("--model", type=Path, required=True)
        data_args(evaluate)

        cv = sub.add_parser("cv", help="stratified k-fold cross-validation on a labelled CSV (JSON)")
        data_args(cv)
        cv.add_argument("--folds", type=int, default=5)
        cv.add_argument("--jobs", type=int, default=1, choices=[1, 2], help="parallel folds (default 1)")
        cv.add_argument("--seed", type=int, default=0, help="seed of the fold split (default 0)")

        predict = sub.add_parser("predict", help="the 3 most likely labels of a text")
        predict.add_argument("--model", type=Path, required=True)
        predict.add_argument("--top", type=int, default=3)
        predict.add_argument("text")

        sub.add_parser("retrain", help="collect corrections and retrain from the platform's history (JSON)")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"do_{options['subcommand']}")(options)

    # --- subcommands --------------------------------------------------------------------------

    def do_train(self, options: dict[str, Any]) -> None:
        data = self.read(options)
        folds = options["folds"]
        out: Path = options["out"]
        if out.exists() and not out.is_dir():
            raise CommandError(_("--out %(out)s: 不是目录") % {"out": out})
        if (out / classifier.MODEL_FILE).exists():
            # A registered version points at its folder; never replace a model under it.
            raise CommandError(_("--out %(out)s: 目录中已有模型，请换一个目录") % {"out": out})
        cv_result = None
        # Found once for both: the folds keep near-copies together, and so do the stack's inner folds.
        groups = classifier.near_duplicate_groups(data.texts)
        if folds:
            self.note(_("%(folds)s 折交叉验证（%(rows)s 条）……") % {"folds": folds, "rows": len(data)})
            cv_result = self.cross_validate(data, folds, options["jobs"], seed=0, groups=groups)
        self.note(_("在全部 %(rows)s 条上训练……") % {"rows": len(data)})
        try:
            model = classifier.train(data.texts, data.labels, groups=groups)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        model.meta["source"] = {
            "file": str(options["data"]),
            "text_col": options["text_col"],
            "label_col": options["label_col"],
            "skipped_rows": len(data.problems),
        }
        if cv_result is not None:
            model.meta["metrics"]["cv"] = {k: v for k, v in cv_result.items() if k != "settings"}
        classifier.save(model, out)
        meta = model.meta
        self.stdout.write(_("模型已保存：%(out)s") % {"out": out})
        self.stdout.write(
            _("  样本 %(rows)s 条，%(classes)s 类，训练 %(seconds).1f 秒")
            % {"rows": meta["data_size"], "classes": len(meta["labels"]), "seconds": meta["training_seconds"]}
        )
        if cv_result is not None:
            self.stdout.write(
                _("  交叉验证 macro-F1 %(f1).4f ± %(std).4f，accuracy %(accuracy).4f（%(folds)s 折）")
                % {
                    "f1": cv_result["macro_f1"],
                    "std": cv_result["macro_f1_std"],
                    "accuracy": cv_result["accuracy"],
                    "folds": folds,
                }
            )
        if not options["no_register"]:
            self.register(out)

    def do_evaluate(self, options: dict[str, Any]) -> None:
        model = self.load(options["model"])
        data = self.read(options)
        self.print_json(classifier.evaluate(model, data.texts, data.labels))

    def do_cv(self, options: dict[str, Any]) -> None:
        data = self.read(options)
        self.print_json(self.cross_validate(data, options["folds"], options["jobs"], seed=options["seed"]))

    def do_predict(self, options: dict[str, Any]) -> None:
        model = self.load(options["model"])
        if not options["text"].strip():
            raise CommandError(_("文本为空"))
        if options["top"] < 1:
            raise CommandError(_("--top 至少为 1"))
        for label, probability in classifier.predict_top(model, options["text"], k=options["top"]):
            self.stdout.write(f"{label}\t{probability:.4f}")

    def do_retrain(self, options: dict[str, Any]) -> None:
        from hotline.routing.retrain import run_retrain

        self.print_json(run_retrain())

    # --- helpers ------------------------------------------------------------------------------

    def read(self, options: dict[str, Any]) -> LabelledData:
        path: Path = options["data"]
        try:
            data = read_labelled_csv(path, options["text_col"], options["label_col"])
        except DataFileError as exc:
            raise CommandError(str(exc)) from None
        for problem in data.problems:
            self.stderr.write(f"{path.name} {problem}")
        if data.problems:
            self.stderr.write(
                _("%(file)s: 跳过 %(skipped)s 行，使用 %(used)s 行")
                % {"file": path.name, "skipped": len(data.problems), "used": len(data)}
            )
        if not len(data):
            raise CommandError(_("%(file)s: 没有可用的行") % {"file": path.name})
        return data

    def cross_validate(
        self, data: LabelledData, folds: int, jobs: int, seed: int, groups: list[int] | None = None
    ) -> dict[str, Any]:
        try:
            return classifier.cross_validate(
                data.texts, data.labels, folds=folds, seed=seed, n_jobs=jobs, groups=groups
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from None

    def load(self, directory: Path) -> classifier.Model:
        try:
            return classifier.load(directory)
        except classifier.ModelLoadError as exc:
            raise CommandError(str(exc)) from None

    def register(self, directory: Path) -> None:
        from hotline.routing.actions import do_register_model
        from hotline.routing.models import ModelVersion

        try:
            ModelVersion.objects.exists()  # is there a migrated database to write to?
        except DatabaseError as exc:
            self.note(
                _("未登记到模型库（数据库不可用：%(error)s）") % {"error": str(exc).strip().splitlines()[0]}
            )
            return
        version = do_register_model(directory)
        self.stdout.write(
            _("  已登记为 %(target)s v%(version)s（%(decision)s）")
            % {"target": version.target, "version": version.version, "decision": version.decision}
        )

    def note(self, message: str) -> None:
        self.stderr.write(message)

    def print_json(self, result: dict[str, Any]) -> None:
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
