"""The category classifier: train, predict, evaluate, cross-validate, save and load.

One scikit-learn pipeline:

    prepare: normalise, strip punctuation and function words, cut to `max_chars`
      -> FeatureUnion( TF-IDF over character 1-3-grams of the text,
                       TF-IDF over jieba words of its first `word_max_chars` characters,
                       TF-IDF over character 1-3-grams of its first `head_chars` characters )
      -> StackedLinear( NB-SVM + ComplementNB (characters, all) + ridge -> LogisticRegression,
                        folded into one linear model )
         (or, with few examples per label, CalibratedClassifierCV( LinearSVC, sigmoid ))

Two thirds of the labelled data are word-segmented copies of messages with punctuation and
function words removed; `prepare` removes them from every text, so that the copies, the messages
as written and the messages to predict look alike. Character n-grams carry most of the signal in
Chinese and need no dictionary; jieba words add whole terms ("物业费", "公积金") that character
trigrams only see in pieces; the head block counts the title (or first sentence) a second time,
which is where a message says what it is about.
The linear SVM beat the other linear models in cross-validation; stacking an SVM over features
scaled by Naive Bayes ratios with Naive Bayes and a ridge classifier under a logistic regression
(`routing.stacking`) scored higher still and gives probabilities that a dispatch threshold can rely
on, at the cost of one linear model.
docs/adr/0002-classifier.md has the figures and the alternatives; bench/classify.py measures them.

Single texts are scored by `Scorer`, which repeats the pipeline's arithmetic without
scikit-learn's per-call overhead (a few milliseconds, more than the work itself).

`cross_validate` keeps near-duplicates together (the same message posted twice, or a message and
its segmented copy): one on each side of a split would score memory, not generalisation.

A model is a folder: `model.joblib` (the fitted pipeline) and `meta.json` (labels, data size,
metrics, training time, library version and the feature settings), written by `save` and read by
`load`.
"""

from __future__ import annotations

import dataclasses
import json
import re
import time
import warnings
from collections import Counter
from collections.abc import Hashable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from itertools import compress, repeat
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from hotline.routing import text as text_mod

# scikit-learn, SciPy and joblib are imported where they are used, not here: the admin and the
# API import this module at start-up, and importing them costs every process about a second and
# 150 MB, including workers and commands that never train or predict. The first prediction, or
# loading a model, pays it once.
if TYPE_CHECKING:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import Pipeline

MODEL_FILE = "model.joblib"
META_FILE = "meta.json"
FORMAT_VERSION = 1


@dataclass(frozen=True)
class FeatureSettings:
    """Everything that shapes a model, stored in meta.json so that a model can be rebuilt.

    The defaults are the configuration chosen by cross-validation (docs/adr/0002-classifier.md).
    """

    # Character n-grams over the whole (cut) text.
    char_ngram: tuple[int, int] = (1, 3)
    char_min_df: int = 2
    # jieba words over the first `word_max_chars` characters (None: all of them). jieba costs
    # about 6 µs per character, so words over whole letters would put the p99 latency near 20 ms.
    word_ngram: tuple[int, int] = (1, 1)
    word_min_df: int = 1
    word_max_chars: int | None = 120
    # Character n-grams over the first `head_chars` characters once more: the title, or the first
    # sentence when there is no title, says what the message is about (0 turns this block off).
    head_chars: int = 30
    head_ngram: tuple[int, int] = (1, 3)
    head_min_df: int = 2
    head_weight: float = 1.0
    sublinear_tf: bool = True
    # Punctuation, whitespace, lone digits and function words removed before everything else
    # (text.strip_function_words), as they were from the segmented copies in the training data.
    strip_function_words: bool = True
    # Texts are cut after this many characters (after normalisation and stripping), which bounds
    # the prediction time of very long letters (None: never cut).
    max_chars: int | None = 500
    C: float = 1.0
    class_weight: str | None = "balanced"
    calibration: str = "sigmoid"  # or "temperature"
    calibration_folds: int = 3
    # "stack": the base models of `stack_bases` under a logistic regression, folded into one
    # linear model (`routing.stacking`); the calibration settings do not apply to it. "svm": the
    # SVM alone with the calibration above (the model before 2026-11-29).
    model: str = "stack"
    nb_alpha: float = 0.1
    stack_folds: int = 5
    # The stack's base models (routing.stacking.BASE_MODELS).
    stack_bases: tuple[str, ...] = ("nbsvm", "nb_chars", "nb_all", "ridge")

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FeatureSettings:
        known = set(cls.__dataclass_fields__)
        values = {k: v for k, v in data.items() if k in known}
        # Models saved before the stripping existed did not strip.
        values.setdefault("strip_function_words", False)
        values.setdefault("model", "svm")
        # Stacks saved before the setting existed combined the SVM and the characters' Naive Bayes.
        values.setdefault("stack_bases", ("svm", "nb_chars"))
        for key in ("char_ngram", "word_ngram", "head_ngram", "stack_bases"):
            if key in values:
                values[key] = tuple(values[key])
        return cls(**values)

    def replace(self, **changes: Any) -> FeatureSettings:
        return dataclasses.replace(self, **changes)


DEFAULT_SETTINGS = FeatureSettings()

# Below this many examples of its rarest label, a "stack" model is trained as the plain "svm"
# (meta.json's settings say which one was trained).
STACK_MIN_PER_LABEL = 30


@dataclass
class Model:
    """A fitted pipeline and what is known about it."""

    pipeline: Pipeline
    meta: dict[str, Any] = field(default_factory=dict)
    _scorer: Scorer | None = field(default=None, repr=False)

    @property
    def labels(self) -> list[str]:
        return [str(label) for label in self.pipeline.classes_]

    @property
    def scorer(self) -> Scorer:
        """The pipeline's arithmetic for one text at a time, without scikit-learn's per-call overhead."""
        if self._scorer is None:
            self._scorer = Scorer(self.pipeline)
        return self._scorer


@dataclass(frozen=True)
class Head:
    """The first `chars` characters of a text (a picklable preprocessor)."""

    chars: int

    def __call__(self, text: str) -> str:
        return text[: self.chars]


def prepare(
    texts: Sequence[str], max_chars: int | None = None, strip_function_words: bool = False
) -> list[str]:
    """Normalise each text, maybe strip it, and cut it to `max_chars` characters (the first step).

    With a cut, the raw text is first cut to twice that length, so that a long letter is not
    normalised in full only to be thrown away; only a text that is more than half whitespace,
    punctuation and function words loses words this way (training and prediction both go through
    here, so they always agree). `strip_function_words` defaults to False, as in the pipelines
    saved before it existed.
    """
    strip = text_mod.strip_function_words if strip_function_words else None
    prepared = []
    for text in texts:
        text = str(text)
        clean = text_mod.normalize(text[: 2 * max_chars] if max_chars else text)
        if strip is not None:
            clean = strip(clean)
        prepared.append(clean[:max_chars] if max_chars else clean)
    return prepared


# Cross-validation fits the same texts again and again and jieba costs far more than the TF-IDF,
# so while training, the words of each text are kept here. A context variable, so that a thread
# serving predictions next to a training thread never sees (or fills) it.
_words_cache: ContextVar[dict[str, list[str]] | None] = ContextVar("hotline_words_cache", default=None)


def _words(text: str) -> list[str]:
    cache = _words_cache.get()
    if cache is None:
        return text_mod.words(text)
    cached = cache.get(text)
    if cached is None:
        cached = cache[text] = text_mod.words(text)
    return cached


@contextmanager
def _caching_words(initial: dict[str, list[str]] | None = None) -> Iterator[dict[str, list[str]]]:
    """Keep words while inside: in `initial`, else in the cache already in use, else in a new one."""
    cache = initial if initial is not None else (_words_cache.get() or {})
    token = _words_cache.set(cache)
    try:
        yield cache
    finally:
        _words_cache.reset(token)


def build_pipeline(
    settings: FeatureSettings = DEFAULT_SETTINGS, calibration_folds: int | None = None
) -> Pipeline:
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion, Pipeline
    from sklearn.preprocessing import FunctionTransformer
    from sklearn.svm import LinearSVC

    common: dict[str, Any] = {"sublinear_tf": settings.sublinear_tf, "lowercase": False, "dtype": np.float32}
    blocks: list[tuple[str, TfidfVectorizer]] = [
        (
            "chars",
            TfidfVectorizer(
                analyzer="char", ngram_range=settings.char_ngram, min_df=settings.char_min_df, **common
            ),
        ),
        (
            "words",
            TfidfVectorizer(
                tokenizer=_words,
                token_pattern=None,
                preprocessor=Head(settings.word_max_chars) if settings.word_max_chars else None,
                ngram_range=settings.word_ngram,
                min_df=settings.word_min_df,
                **common,
            ),
        ),
    ]
    if settings.head_chars:
        head = TfidfVectorizer(
            analyzer="char",
            preprocessor=Head(settings.head_chars),
            ngram_range=settings.head_ngram,
            min_df=settings.head_min_df,
            **common,
        )
        blocks.append(("head", head))
    weights = {"head": settings.head_weight} if settings.head_chars and settings.head_weight != 1.0 else None
    svm = LinearSVC(C=settings.C, class_weight=settings.class_weight, random_state=0)
    folds = calibration_folds or settings.calibration_folds
    final: Any = CalibratedClassifierCV(svm, method=settings.calibration, cv=folds, ensemble=False)
    if settings.model == "stack":
        from hotline.routing.stacking import StackedLinear

        final = StackedLinear(
            C=settings.C,
            class_weight=settings.class_weight,
            nb_alpha=settings.nb_alpha,
            inner_folds=settings.stack_folds,
            bases=settings.stack_bases,
        )
    elif settings.model != "svm":
        raise ValueError(f"unknown model {settings.model!r} (svm or stack)")
    return Pipeline(
        [
            (
                "prepare",
                FunctionTransformer(
                    prepare,
                    kw_args={
                        "max_chars": settings.max_chars,
                        "strip_function_words": settings.strip_function_words,
                    },
                ),
            ),
            ("features", FeatureUnion(blocks, transformer_weights=weights)),
            # ensemble=False: one SVM fitted on all rows, its calibration learnt from out-of-fold
            # margins; a third of the size and prediction time of an ensemble of per-fold SVMs.
            ("classifier", final),
        ]
    )


@dataclass(frozen=True)
class Block:
    """One feature block of one text (`Scorer.features`)."""

    terms: list[str]
    columns: np.ndarray  # in the block's vocabulary
    values: np.ndarray


_NO_COLUMNS = np.empty(0, dtype=np.intp)
_NO_VALUES = np.empty(0, dtype=np.float64)

# Inside `batch()`: each (scorer, text)'s features, so that routing a batch analyses a text once
# for its scores and its explanation, and jieba cuts it once for every model (the words cache).
_features_cache: ContextVar[dict[tuple[int, str], list[Block]] | None] = ContextVar(
    "hotline_features_cache", default=None
)


@contextmanager
def batch() -> Iterator[None]:
    """Keep each text's words and features while inside (routing a batch of tickets)."""
    token = _features_cache.set({})
    try:
        with _caching_words():
            yield
    finally:
        _features_cache.reset(token)


class Scorer:
    """Probabilities for one text, computed from the fitted pipeline's own parts.

    scikit-learn spends milliseconds per call on validation, sparse-matrix assembly and the
    calibration wrapper, which dominates when texts come one at a time (as they do at intake).
    This does the same arithmetic for one text with the same analyzers, vocabularies, IDF
    weights, coefficients and calibrators: count terms, 1 + log(tf) if sublinear, times IDF, L2
    norm per block, times the block weight, dot the SVM coefficients, calibrate. The tests check
    that it agrees with `pipeline.predict_proba`.
    """

    def __init__(self, pipeline: Pipeline) -> None:
        # Resolved once here, not per text: scoring one text is the hot path of intake.
        from scipy.special import expit

        from hotline.routing.stacking import softmax

        self._expit, self._softmax = expit, softmax
        prepare_args = pipeline.named_steps["prepare"].kw_args or {}
        self._max_chars = prepare_args.get("max_chars")
        self._strip = bool(prepare_args.get("strip_function_words", False))
        union = pipeline.named_steps["features"]
        weights = union.transformer_weights or {}
        final = pipeline.named_steps["classifier"]
        if hasattr(final, "calibrated_classifiers_"):
            coef = self._read_calibrated(final)
        else:  # a stack folded into one linear model (routing.stacking.StackedLinear): a softmax
            self.classes = np.asarray(final.classes_)
            coef = np.asarray(final.coef_)
            self._intercept = np.asarray(final.intercept_, dtype=np.float64)
            self._method = "softmax"
        self._blocks = []
        self._offsets: list[int] = []  # each block's first column in the union's feature space
        offset = 0
        for name, vectorizer in union.transformer_list:
            if vectorizer.norm != "l2" or not vectorizer.use_idf or vectorizer.binary:
                raise ValueError(f"the scorer supports l2-normalised TF-IDF only ({name})")
            size = len(vectorizer.vocabulary_)
            self._blocks.append(
                (
                    vectorizer.build_analyzer(),
                    vectorizer.vocabulary_,
                    np.asarray(vectorizer.idf_, dtype=np.float64),
                    vectorizer.sublinear_tf,
                    float(weights.get(name, 1.0)),
                    coef[:, offset : offset + size],  # a view, not a copy
                )
            )
            self._offsets.append(offset)
            offset += size
        if offset != coef.shape[1]:
            raise ValueError(f"features ({offset}) and coefficients ({coef.shape[1]}) differ in number")

    def _read_calibrated(self, calibrated: Any) -> np.ndarray:
        """Classes, intercepts and calibrators of a calibrated SVM; returns its coefficients."""
        if len(calibrated.calibrated_classifiers_) != 1:
            raise ValueError("the scorer needs a calibration with ensemble=False")
        (fitted,) = calibrated.calibrated_classifiers_
        svm = fitted.estimator
        self.classes = np.asarray(calibrated.classes_)
        # The SVM sees the labels themselves or (temperature scaling) their positions in `classes`.
        if list(svm.classes_) not in (list(self.classes), list(range(len(self.classes)))):
            raise ValueError("classifier and calibration disagree on the classes")
        self._intercept = np.asarray(svm.intercept_, dtype=np.float64)
        self._method = fitted.method
        calibrators = fitted.calibrators
        if self._method == "sigmoid":
            self._a = np.array([c.a_ for c in calibrators], dtype=np.float64)
            self._b = np.array([c.b_ for c in calibrators], dtype=np.float64)
        elif self._method == "temperature":
            self._beta = float(calibrators[0].beta_)
        else:
            raise ValueError(f"the scorer does not know the calibration {self._method!r}")
        return np.asarray(svm.coef_)

    def features(self, text: str) -> list[Block]:
        """The text's features, block by block: its terms in the block's vocabulary, their columns
        and values (1 + log(tf) if sublinear, times IDF, L2-normalised, times the block's weight),
        what both the scores and their explanation (`weighted_terms`) are made of. Inside
        `batch()` each text is analysed once for both."""
        held = _features_cache.get()
        key = (id(self), text)
        if held is not None and key in held:
            return held[key]
        prepared = prepare([text], self._max_chars, self._strip)[0]
        blocks: list[Block] = []
        for analyze, vocabulary, idf, sublinear, weight, _coef in self._blocks:
            counts = Counter(analyze(prepared))
            # Column of each distinct term, -1 for terms outside the vocabulary (loops run in C).
            columns = np.fromiter(map(vocabulary.get, counts, repeat(-1)), dtype=np.intp, count=len(counts))
            known = columns >= 0
            if not known.any():
                blocks.append(Block([], _NO_COLUMNS, _NO_VALUES))
                continue
            columns = columns[known]
            values = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))[known]
            if sublinear:
                values = np.log(values) + 1.0
            values *= idf[columns]
            values *= weight / np.sqrt(values @ values)
            blocks.append(Block(list(compress(counts, known)), columns, values))
        if held is not None:
            held[key] = blocks
        return blocks

    def decision(self, text: str) -> np.ndarray:
        """The linear model's margins (the SVM's, or the folded stack's logits), one per class."""
        decision = self._intercept.copy()
        for block, (*_parts, coef) in zip(self.features(text), self._blocks, strict=True):
            if len(block.columns):
                decision += coef[:, block.columns] @ block.values
        return decision

    def weighted_terms(self, text: str) -> list[tuple[str, int, float]]:
        """The text's features as the pipeline's `transform` gives them: (term, column in the
        union's feature space, TF-IDF value times the block's weight), for the terms in a
        vocabulary; what `routing.explain` multiplies by a class's coefficients, without the
        milliseconds scikit-learn's transform spends on one text."""
        found: list[tuple[str, int, float]] = []
        for block, offset in zip(self.features(text), self._offsets, strict=True):
            found += [
                (term, offset + int(column), float(value))
                for term, column, value in zip(block.terms, block.columns, block.values, strict=True)
            ]
        return found

    def predict_proba_many(self, texts: Sequence[str]) -> np.ndarray:
        """`predict_proba` of each text, a row each (the same arithmetic, text by text: a batch's
        rows are exactly those of its texts scored alone)."""
        rows = [self.predict_proba(text) for text in texts]
        return np.vstack(rows) if rows else np.empty((0, len(self.classes)))

    def predict_proba(self, text: str) -> np.ndarray:
        """Calibrated probabilities, in the order of `classes` (they sum to 1)."""
        expit = self._expit
        decision = self.decision(text)
        if self._method == "softmax":
            return self._softmax(decision)
        if len(self.classes) == 2:
            # A binary SVM keeps one margin, for classes[1], and the calibration one calibrator.
            (margin,) = decision
            if self._method == "sigmoid":
                positive = float(expit(-(self._a[0] * margin + self._b[0])))
            else:  # temperature: softmax over the logits (-margin, margin)
                positive = float(expit(2.0 * self._beta * margin))
            return np.array([1.0 - positive, positive])
        if self._method == "sigmoid":
            # One-vs-rest Platt scaling per class, then normalised, as CalibratedClassifierCV does.
            proba = expit(-(self._a * decision + self._b))
            total = proba.sum()
            proba = proba / total if total > 0 else np.full_like(proba, 1.0 / len(proba))
        else:
            logits = decision
            if np.all((logits >= 0) & (logits <= 1)) and np.isclose(logits.sum(), 1.0):
                logits = np.log(logits + 1e-12)  # scikit-learn reads such margins as probabilities
            scaled = self._beta * logits
            scaled -= scaled.max()
            proba = np.exp(scaled)
            proba /= proba.sum()
        return np.minimum(proba, 1.0)


def _check_training_data(texts: Sequence[str], labels: Sequence[str]) -> int:
    """The number of calibration folds the data allows; ValueError when it cannot be trained."""
    if len(texts) != len(labels):
        raise ValueError(f"{len(texts)} texts but {len(labels)} labels")
    counts: dict[str, int] = {}
    for label in labels:
        counts[label] = counts.get(label, 0) + 1
    if len(counts) < 2:
        raise ValueError("training needs at least two different labels")
    rarest = min(counts.values())
    if rarest < 2:
        scarce = sorted(label for label, n in counts.items() if n < 2)
        raise ValueError(f"each label needs at least 2 examples; too few for: {', '.join(scarce)}")
    return rarest


def train(
    texts: Sequence[str],
    labels: Sequence[str],
    settings: FeatureSettings = DEFAULT_SETTINGS,
    *,
    groups: Sequence[Hashable] | None = None,
) -> Model:
    """Fit a model on all of `texts`; `meta` records the data size, labels, settings and time.

    A stacked model keeps `groups` (by default `near_duplicate_groups` of the texts) in one inner fold.
    """
    import sklearn
    from threadpoolctl import threadpool_limits

    labels = [str(label) for label in labels]
    rarest = _check_training_data(texts, labels)
    if settings.model == "stack" and rarest < STACK_MIN_PER_LABEL:
        # The combination is learnt from out-of-fold outputs: with a handful of examples per label
        # those come from models that saw almost nothing, and the stack scores far below the SVM.
        settings = settings.replace(model="svm")
    pipeline = build_pipeline(settings, calibration_folds=min(settings.calibration_folds, rarest))
    started = time.perf_counter()
    # The sigmoid calibration solves tiny (two-parameter) problems with L-BFGS; OpenBLAS threads
    # only add wake-up latency there, and on a busy machine they made training ten times slower.
    with _caching_words(), threadpool_limits(limits=1, user_api="blas"):
        if settings.model == "stack":
            _fit_stacked(pipeline, list(texts), labels, groups)
        else:
            pipeline.fit(list(texts), labels)
    seconds = time.perf_counter() - started
    features = pipeline.named_steps["features"]
    meta = {
        "format": FORMAT_VERSION,
        "target": "category",
        "labels": [str(label) for label in pipeline.classes_],
        "data_size": len(texts),
        "label_counts": {label: labels.count(label) for label in sorted(set(labels))},
        "training_seconds": round(seconds, 3),
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "sklearn_version": sklearn.__version__,
        "settings": asdict(settings),
        "vocabulary_size": {name: len(vec.vocabulary_) for name, vec in features.transformer_list},
        "metrics": {},
    }
    return Model(pipeline=pipeline, meta=meta)


def _fit_stacked(
    pipeline: Pipeline, texts: list[str], labels: list[str], groups: Sequence[Hashable] | None
) -> None:
    """Fit the features, then the stack on them: it needs the character block's width and the groups,
    which `Pipeline.fit` cannot hand it."""
    features = pipeline[:-1].fit_transform(texts)
    chars = pipeline.named_steps["features"].transformer_list[0][1]
    stack = pipeline.named_steps["classifier"]
    stack.set_params(nb_columns=len(chars.vocabulary_))
    stack.fit(features, labels, groups=near_duplicate_groups(texts) if groups is None else groups)


def predict_proba(model: Model, texts: Sequence[str]) -> np.ndarray:
    """Probabilities, one row per text, columns in the order of `model.labels`."""
    import sklearn

    with sklearn.config_context(assume_finite=True, skip_parameter_validation=True):
        return model.pipeline.predict_proba(list(texts))


def predict_top(model: Model, text: str, k: int = 3) -> list[tuple[str, float]]:
    """The `k` most likely labels for one text, most likely first, with their probabilities."""
    return predict_top_many(model, [text], k)[0]


def predict_top_many(model: Model, texts: Sequence[str], k: int = 3) -> list[list[tuple[str, float]]]:
    """`predict_top` for each of `texts` (routing a batch of tickets: one call for the batch)."""
    probabilities = model.scorer.predict_proba_many(texts)
    labels = model.labels
    ranked = []
    for row in probabilities:
        order = np.argsort(-row, kind="stable")[:k]
        ranked.append([(labels[i], float(row[i])) for i in order])
    return ranked


def predict(model: Model, texts: Sequence[str]) -> list[str]:
    """The most likely label of each text."""
    probabilities = predict_proba(model, texts)
    labels = model.labels
    return [labels[i] for i in probabilities.argmax(axis=1)]


def _round(value: float) -> float:
    return round(float(value), 4)


def score(true: Sequence[str], predicted: Sequence[str], label_order: Sequence[str] = ()) -> dict[str, Any]:
    """macro-F1, accuracy, per-class precision/recall/F1/support and the confusion matrix.

    Rows and columns follow `label_order`, then any other label seen in `true` or `predicted`.
    macro-F1 averages over the labels that occur in `true` or `predicted` (a label absent from both
    says nothing about this data).
    """
    from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support

    seen = set(true) | set(predicted)
    labels = list(dict.fromkeys(label_order)) + sorted(seen - set(label_order))
    present = [label for label in labels if label in seen]
    result: dict[str, Any] = {"macro_f1": 0.0, "accuracy": 0.0, "n": len(true), "per_class": {}}
    if present:
        result["macro_f1"] = _round(
            f1_score(true, predicted, labels=present, average="macro", zero_division=0)
        )
        result["accuracy"] = _round(accuracy_score(true, predicted))
        precision, recall, f1, support = precision_recall_fscore_support(
            true, predicted, labels=labels, zero_division=0
        )
        result["per_class"] = {
            label: {
                "precision": _round(precision[i]),
                "recall": _round(recall[i]),
                "f1": _round(f1[i]),
                "support": int(support[i]),
            }
            for i, label in enumerate(labels)
        }
    position = {label: i for i, label in enumerate(labels)}
    matrix = [[0] * len(labels) for _label in labels]
    for t, p in zip(true, predicted, strict=True):
        matrix[position[t]][position[p]] += 1
    result["confusion_matrix"] = {
        "labels": labels,
        "rows": "true label",
        "columns": "predicted label",
        "matrix": matrix,
    }
    return result


def evaluate(model: Model, texts: Sequence[str], labels: Sequence[str]) -> dict[str, Any]:
    """Scores of `model` on labelled texts (see `score`)."""
    labels = [str(label) for label in labels]
    predicted = predict(model, texts) if len(texts) else []
    return score(labels, predicted, label_order=model.labels)


_NOT_WORD = re.compile(r"[\W_]+")


def near_duplicate_groups(
    texts: Sequence[str], *, min_overlap: float = 0.6, neighbours: int = 10, min_similarity: float = 0.3
) -> list[int]:
    """A group number for each text; near-copies of one another (directly or through others) share one.

    Two texts are near-copies when at least `min_overlap` of the distinct character bigrams of the
    shorter (normalised, without punctuation and whitespace) occur in the longer: the same message
    posted twice with a different greeting, or a message and a copy of it with the function words
    removed (which breaks longer n-grams but keeps most bigrams). Only each text's `neighbours`
    most similar texts (cosine of character-bigram TF-IDF, at least `min_similarity`) are compared,
    so the cost is one sparse product, done in blocks: a few seconds for 10,000 texts, quadratic beyond.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer

    n = len(texts)
    if n < 2:
        return list(range(n))
    stripped = [_NOT_WORD.sub("", text_mod.normalize(str(text))) for text in texts]
    bigrams = [{text[i : i + 2] for i in range(len(text) - 1)} for text in stripped]
    vectors = TfidfVectorizer(analyzer="char", ngram_range=(2, 2), lowercase=False, dtype=np.float32)
    try:
        matrix = vectors.fit_transform(stripped)
    except ValueError:  # no text has two characters: nothing to compare
        return list(range(n))
    parent = list(range(n))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    k = min(neighbours, n - 1)
    block = max(1, 4_000_000 // n)  # rows of the dense similarity block (16 MB)
    for start in range(0, n, block):
        similarity = (matrix[start : start + block] @ matrix.T).toarray()
        rows = np.arange(similarity.shape[0])
        similarity[rows, start + rows] = 0.0
        nearest = np.argpartition(-similarity, k - 1, axis=1)[:, :k]
        for row, candidates in zip(rows, nearest, strict=True):
            i = start + int(row)
            for j in candidates[similarity[row, candidates] >= min_similarity]:
                a, b = sorted((bigrams[i], bigrams[int(j)]), key=len)
                if a and len(a & b) >= min_overlap * len(a):
                    parent[root(i)] = root(int(j))
    return [root(i) for i in range(n)]


def stratified_folds(
    keys: Sequence[str], labels: Sequence[str], groups: Sequence[Hashable] | None, folds: int, seed: int
) -> tuple[list[tuple[np.ndarray, np.ndarray]], bool]:
    """Stratified folds that keep each group on one side, if the groups allow; else plain stratified.

    Groups allow when every fold gets rows and every training part keeps two examples of each label.
    The second value says whether the folds are grouped.
    """
    from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold

    rows = np.zeros(len(keys))
    if groups is not None and len(set(groups)) < len(groups):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # "least populated class": checked below
            try:
                splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed)
                grouped = list(splitter.split(rows, keys, list(groups)))
            except ValueError:
                grouped = []
        label_array = np.asarray(labels, dtype=object)
        needed = Counter(labels)
        if grouped and all(
            len(test_idx)
            and all(needed[label] - count >= 2 for label, count in Counter(label_array[test_idx]).items())
            for _train_idx, test_idx in grouped
        ):
            return grouped, True
    splitter_plain = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    return list(splitter_plain.split(rows, keys)), False


def cross_validate(
    texts: Sequence[str],
    labels: Sequence[str],
    folds: int = 5,
    settings: FeatureSettings = DEFAULT_SETTINGS,
    *,
    strata: Sequence[str] | None = None,
    subsets: Mapping[str, Sequence[bool]] | None = None,
    groups: Sequence[Hashable] | None = None,
    group_near_duplicates: bool = True,
    seed: int = 0,
    n_jobs: int = 1,
) -> dict[str, Any]:
    """Stratified k-fold cross-validation that keeps near-duplicates on one side.

    Each fold trains on the other folds (all their rows) and predicts its own rows. The result has
    the keys of `score` computed on the pooled out-of-fold predictions, except `macro_f1` and
    `accuracy`, which are the mean over folds; `macro_f1_std`, `accuracy_std` and `folds` (one
    score per fold) give the spread. Folds are stratified by `strata` (default: the labels).
    `subsets` names boolean masks over the rows; each gets the same figures computed on its rows
    only (for example the messages written by citizens as opposed to pre-processed copies).

    Rows of one group never sit in two folds: `groups` if given, else (`group_near_duplicates`)
    the groups of `near_duplicate_groups`, so that a message whose copy was trained on does not
    count as predicted. When the groups cannot be spread over the folds (a group too large for its
    label), the folds are plain stratified; `grouped` in the result says which it was, and
    `duplicate_groups` / `rows_in_duplicate_groups` how many rows the grouping tied together.
    """
    import joblib

    labels = [str(label) for label in labels]
    _check_training_data(texts, labels)
    keys = list(strata) if strata is not None else labels
    smallest_stratum = min(keys.count(key) for key in set(keys))
    if folds < 2:
        raise ValueError("cross-validation needs at least 2 folds")
    if smallest_stratum < folds:
        raise ValueError(
            f"{folds} folds need at least {folds} examples of every label (smallest has {smallest_stratum})"
        )
    masks = {name: np.asarray(mask, dtype=bool) for name, mask in (subsets or {}).items()}
    for name, mask in masks.items():
        if mask.shape != (len(texts),):
            raise ValueError(f"subset {name!r} has {mask.shape[0]} flags for {len(texts)} texts")

    if groups is not None and len(groups) != len(texts):
        raise ValueError(f"{len(groups)} groups for {len(texts)} texts")
    started = time.perf_counter()
    if groups is None and group_near_duplicates:
        groups = near_duplicate_groups(texts)
    splits, grouped = stratified_folds(keys, labels, groups, folds, seed)
    sizes = Counter(groups) if groups is not None else Counter()
    tied = [size for size in sizes.values() if size > 1]
    prepared = prepare(texts, settings.max_chars, settings.strip_function_words)
    cut = Head(settings.word_max_chars) if settings.word_max_chars else str
    tokens = {cut(text): text_mod.words(cut(text)) for text in set(prepared)}
    results = joblib.Parallel(n_jobs=n_jobs)(
        joblib.delayed(_fit_fold)(texts, labels, train_idx, test_idx, settings, tokens, groups)
        for train_idx, test_idx in splits
    )
    seconds = time.perf_counter() - started

    label_order = sorted(set(labels))
    predicted = np.empty(len(labels), dtype=object)
    for (_train_idx, test_idx), fold_predicted in zip(splits, results, strict=True):
        predicted[test_idx] = fold_predicted
    true = np.asarray(labels, dtype=object)

    def summary(rows: np.ndarray) -> dict[str, Any]:
        per_fold = []
        for _train_idx, test_idx in splits:
            chosen = test_idx[rows[test_idx]]
            fold_score = score(list(true[chosen]), list(predicted[chosen]), label_order)
            per_fold.append({k: fold_score[k] for k in ("macro_f1", "accuracy", "n")})
        pooled = score(list(true[rows]), list(predicted[rows]), label_order)
        f1s = [f["macro_f1"] for f in per_fold]
        accuracies = [f["accuracy"] for f in per_fold]
        return {
            **pooled,
            "pooled_macro_f1": pooled["macro_f1"],
            "macro_f1": _round(np.mean(f1s)),
            "macro_f1_std": _round(np.std(f1s)),
            "accuracy": _round(np.mean(accuracies)),
            "accuracy_std": _round(np.std(accuracies)),
            "folds": per_fold,
        }

    result = summary(np.ones(len(labels), dtype=bool))
    result["k"] = folds
    result["seed"] = seed
    result["grouped"] = grouped
    result["duplicate_groups"] = len(tied)
    result["rows_in_duplicate_groups"] = sum(tied)
    result["seconds"] = round(seconds, 3)
    result["settings"] = asdict(settings)
    if masks:
        result["subsets"] = {name: summary(mask) for name, mask in masks.items()}
    return result


def _fit_fold(
    texts: Sequence[str],
    labels: Sequence[str],
    train_idx: np.ndarray,
    test_idx: np.ndarray,
    settings: FeatureSettings,
    tokens: dict[str, list[str]],
    groups: Sequence[Hashable] | None,
) -> list[str]:
    with _caching_words(tokens):
        model = train(
            [texts[i] for i in train_idx],
            [labels[i] for i in train_idx],
            settings,
            groups=None if groups is None else [groups[i] for i in train_idx],
        )
        return predict(model, [texts[i] for i in test_idx])


def save(model: Model, directory: Path | str) -> Path:
    """Write the model folder (created if needed); returns its path."""
    import joblib

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    joblib.dump(model.pipeline, directory / MODEL_FILE, compress=3)
    meta = dict(model.meta)
    meta["size_bytes"] = (directory / MODEL_FILE).stat().st_size
    (directory / META_FILE).write_text(
        json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    model.meta = meta
    return directory


class ModelLoadError(Exception):
    """The folder does not hold a model this code can read."""


def load(directory: Path | str) -> Model:
    """Read a model folder written by `save`."""
    import joblib
    from sklearn.pipeline import Pipeline

    directory = Path(directory)
    model_path = directory / MODEL_FILE
    if not directory.is_dir() or not model_path.is_file():
        raise ModelLoadError(f"{directory}: not a model folder (needs {MODEL_FILE} and {META_FILE})")
    meta = read_meta(directory)
    try:
        pipeline = joblib.load(model_path)
    except Exception as exc:  # a truncated or foreign file: say which one
        raise ModelLoadError(f"{model_path}: unreadable ({type(exc).__name__}: {exc})") from None
    if not isinstance(pipeline, Pipeline):
        raise ModelLoadError(f"{model_path}: holds a {type(pipeline).__name__}, not a pipeline")
    return Model(pipeline=pipeline, meta=meta)


def read_meta(directory: Path | str) -> dict[str, Any]:
    """meta.json of a model folder, without loading the model."""
    meta_path = Path(directory) / META_FILE
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ModelLoadError(f"{meta_path}: unreadable ({exc.strerror or exc})") from None
    except ValueError as exc:
        raise ModelLoadError(f"{meta_path}: not JSON ({exc})") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT_VERSION:
        raise ModelLoadError(f"{meta_path}: not a model description of format {FORMAT_VERSION}")
    return meta
