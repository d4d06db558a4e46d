"""Why the classifier gives a class: the words and character n-grams that pushed the text towards it.

The model is linear: the SVM's margin for a class is its intercept plus, for every feature of
the text, the feature's TF-IDF value times the class's coefficient. So each feature's share of
the margin is exact, and the strongest positive shares are the reason to show a dispatcher. The
values come from the same arithmetic as the pipeline's own `transform` (the model's scorer, which
scored the text), the coefficients from the fitted SVM, and the names from each block's analyzer
and vocabulary; only the model's public, fitted attributes are read. A term that occurs in several
blocks (a character n-gram of the text and of its head) is shown once, with its shares added up.

With two classes scikit-learn keeps one row of coefficients, for the second class; the first
class's shares are their negatives.

Only words a person reads in the text are shown (`readable`): a character n-gram that spans two
words ("号门" of 12号|门口), a run of several (a word n-gram "长安 安路"), or one with digits says
nothing to a dispatcher, however much weight it carries.
"""

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from hotline.routing import text as routing_text
from hotline.routing.classifier import Model

# Single characters say little on their own ("的", "了"): a term shown has two characters at least.
MIN_TERM_CHARS = 2
_DIGIT = re.compile(r"\d")


@dataclass(frozen=True)
class Contribution:
    term: str
    weight: float  # the term's share of the class's margin

    def as_dict(self) -> dict[str, Any]:
        return {"term": self.term, "weight": round(self.weight, 4)}


def _coefficients(model: Model) -> tuple[np.ndarray, list[str]]:
    """The linear model's coefficient rows, one per label of `model.labels`, and those labels: the
    calibrated SVM's, or the folded stack's (whose logits are linear in the features too)."""
    final = model.pipeline.named_steps["classifier"]
    linear = (
        final.calibrated_classifiers_[0].estimator if hasattr(final, "calibrated_classifiers_") else final
    )
    coef = np.asarray(linear.coef_)
    labels = [str(label) for label in final.classes_]
    if coef.shape[0] == 1 and len(labels) == 2:
        coef = np.vstack([-coef[0], coef[0]])
    return coef, labels


def _names(model: Model, prepared: str) -> dict[int, str]:
    """Column -> term, for the terms of one (prepared) text, across the feature blocks."""
    names: dict[int, str] = {}
    offset = 0
    for _name, vectorizer in model.pipeline.named_steps["features"].transformer_list:
        vocabulary = vectorizer.vocabulary_
        for term in vectorizer.build_analyzer()(prepared):
            column = vocabulary.get(term)
            if column is not None:
                names[offset + column] = term
        offset += len(vocabulary)
    return names


def _features(model: Model, text: str) -> list[tuple[str, int, float]]:
    """(term, column, value) of each feature of `text`: from the model's scorer, which does the
    transform's arithmetic for one text in a fraction of its time (routing explains every ticket
    it routes), or from the pipeline's own `transform` for a model the scorer cannot read."""
    try:
        return model.scorer.weighted_terms(text)
    except ValueError:
        pass
    import sklearn  # here, as in `classifier`: only when a model is used

    prepared = model.pipeline.named_steps["prepare"].transform([text])
    with sklearn.config_context(assume_finite=True):
        row = model.pipeline.named_steps["features"].transform(prepared).tocsr()
    names = _names(model, prepared[0])
    return [
        (names[int(column)], int(column), float(value))
        for column, value in zip(row.indices, row.data, strict=True)
        if int(column) in names
    ]


def top_terms(model: Model, text: str, labels: list[str], k: int = 5) -> dict[str, list[Contribution]]:
    """For each of `labels`, the `k` words of `text` (`readable`) that pushed the model towards
    it most."""
    coef, classes = _coefficients(model)
    shown = readable(text)
    features = _features(model, text)
    terms = [term for term, _column, _value in features]
    columns = np.fromiter((column for _term, column, _value in features), dtype=np.intp, count=len(features))
    values = np.fromiter((value for _term, _column, value in features), dtype=np.float64, count=len(features))
    result: dict[str, list[Contribution]] = {}
    for label in labels:
        if label not in classes:
            result[label] = []
            continue
        # Each feature's share, multiplied for all features at once (the same products as one by one).
        shares = (values * coef[classes.index(label)][columns]).tolist()
        by_term: dict[str, float] = defaultdict(float)
        for term, share in zip(terms, shares, strict=True):
            by_term[term] += share
        positive = sorted(((t, w) for t, w in by_term.items() if w > 0), key=lambda tw: -tw[1])
        result[label] = [Contribution(t, w) for t, w in positive if shown(t)][:k]
    return result


def readable(text: str) -> Callable[[str], bool]:
    """Whether a term may be named as a reason for `text`: a word of it a person reads, of two
    characters at least and no digit. A word of it is one of jieba's words of the text (with the
    dictionary words inside its longer ones: 噪音 of 噪音扰民), or a dictionary word found in it
    where jieba cut otherwise (路灯 of 路|灯不亮), never a run of characters across words (号门 of
    12号|门口) or a run of several words ("长安 安路").

    jieba cuts each run of letters and digits between punctuation on its own, and a term shown is
    all letters, so it lies in one run: only the runs that hold a term asked about are cut (each
    once, and kept for the next text that has the same clause), not the whole text, which was half
    of what explaining a routing decision cost."""
    normal = routing_text.normalize(text)
    runs = routing_text.runs(normal)

    def shown(term: str) -> bool:
        if len(term) < MIN_TERM_CHARS or not term.isalnum() or _DIGIT.search(term) or term not in normal:
            return False
        if routing_text.in_dictionary(term):
            return True
        return any(term in run and term in routing_text.search_words(run) for run in runs)

    return shown
