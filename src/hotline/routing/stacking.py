"""Linear base models stacked under a multinomial logistic regression, and folded back into one
linear model.

Why: the SVM alone, calibrated per class, scored 0.9235 macro-F1 on the raw messages; learning how
to weigh its margins together with Naive Bayes's log-probabilities, from out-of-fold outputs and
without class weights in the combination, scored 0.9259 over eight fold seeds; adding a second
Naive Bayes over every block and a ridge classifier 0.9286, and putting an SVM over features
scaled by Naive Bayes ratios (NB-SVM) in the plain SVM's place 0.9313, each step higher on every
one of the eight (docs/adr/0002-classifier.md, third, fifth and sixth rounds).

How: inner folds give each training text the outputs of base models that did not see it; a
multinomial logistic regression learns from those outputs (standardised) which to trust; the base
models are then refitted on everything. Every step is linear in the TF-IDF features (an SVM's or a
ridge classifier's margin is w·x + b, an NB-SVM's is w·(r ⊙ x) + b = (w ⊙ r)·x + b, a centred
ComplementNB log-probability is a linear function of x), so the whole stack is one matrix `coef_`
and one vector `intercept_` followed by a softmax: predicting costs what the single SVM cost, and
`classifier.Scorer` and `explain.top_terms` read it as they read a linear model.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression, RidgeClassifier
from sklearn.naive_bayes import ComplementNB
from sklearn.svm import LinearSVC

from hotline.routing.classifier import stratified_folds

# The base models a stack can combine. Each one's outputs are linear in the features (L x + c): an
# SVM's or a ridge classifier's margins w·x + b, an NB-SVM's (one SVM per class over the features
# scaled by that class's Naive Bayes log-count ratios r, Wang & Manning 2012) w·(r ⊙ x) + b,
# ComplementNB's log-probabilities centred over the classes (over the character block, "nb_chars",
# or over every block, "nb_all").
BASE_MODELS = ("svm", "nbsvm", "nb_chars", "nb_all", "ridge")

# The smoothing of the NB-SVM's log-count ratios (added to every feature's sum of TF-IDF values).
NBSVM_ALPHA = 1.0


class StackedLinear(ClassifierMixin, BaseEstimator):
    """Linear base models under a logistic regression, as one linear model with a softmax.

    `bases`: which of `BASE_MODELS` to stack. `nb_columns`: "nb_chars" reads the first
    `nb_columns` features only (the character block; None: all). `fit` takes optional `groups` so
    that near-copies stay in one inner fold.
    """

    # Stacks pickled before `bases` existed combined these two (an unpickled one has no attribute).
    bases: tuple[str, ...] = ("svm", "nb_chars")

    def __init__(
        self,
        C: float = 1.0,
        class_weight: str | None = "balanced",
        nb_alpha: float = 0.1,
        nb_columns: int | None = None,
        inner_folds: int = 5,
        meta_C: float = 1.0,
        random_state: int = 0,
        bases: tuple[str, ...] = BASE_MODELS,
    ) -> None:
        self.C = C
        self.class_weight = class_weight
        self.nb_alpha = nb_alpha
        self.nb_columns = nb_columns
        self.inner_folds = inner_folds
        self.meta_C = meta_C
        self.random_state = random_state
        self.bases = bases

    # --- the base models ----------------------------------------------------------------------

    def _linear_parts(self, X: sparse.csr_matrix, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Fit the base models on (X, y); their outputs as L x + c, one block of rows per model."""
        parts = [self._fit_base(name, X, y) for name in self.bases]
        return np.vstack([coef for coef, _ in parts]), np.concatenate([intercept for _, intercept in parts])

    def _fit_base(self, name: str, X: sparse.csr_matrix, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """One base model of `BASE_MODELS` (checked by `fit`), fitted; its outputs as L x + c."""
        k, width = len(self.classes_), X.shape[1]
        if name in ("nb_chars", "nb_all"):
            end = width if name == "nb_all" or self.nb_columns is None else min(self.nb_columns, width)
            nb = ComplementNB(alpha=self.nb_alpha).fit(X[:, :end], y)
            log = np.asarray(nb.feature_log_prob_, dtype=np.float64)
            rows = np.zeros((k, width))
            rows[:, :end] = log - log.mean(axis=0, keepdims=True)  # centred over classes: no normaliser
            return rows, np.zeros(k)
        if name == "nbsvm":
            return self._fit_nbsvm(X, y)
        margins: LinearSVC | RidgeClassifier = (
            self._svm() if name == "svm" else RidgeClassifier(class_weight=self.class_weight)
        ).fit(X, y)
        coef = np.asarray(margins.coef_, dtype=np.float64).reshape(-1, width)
        intercept = np.asarray(margins.intercept_, dtype=np.float64).reshape(-1)
        if k == 2:  # a binary model keeps one row, for the second class
            coef, intercept = np.vstack([-coef[0], coef[0]]), np.array([-intercept[0], intercept[0]])
        return coef, intercept

    def _svm(self) -> LinearSVC:
        """The linear SVM of the "svm" and "nbsvm" base models, with the stack's C and class weights."""
        return LinearSVC(C=self.C, class_weight=self.class_weight, random_state=self.random_state)

    def _fit_nbsvm(self, X: sparse.csr_matrix, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """One SVM per class (that class against the rest) over x scaled by the class's log-count
        ratios r = log((p / |p|) / (q / |q|)), p and q the smoothed feature sums inside and outside
        the class: in each class's SVM a feature is scaled by how much its rate differs between the
        class and the rest (|r|, in either direction), where the plain SVM treats all alike.
        Returned as (w ⊙ r, b)."""
        rows, intercepts = [], []
        total = np.asarray(X.sum(axis=0)).ravel()
        for label in self.classes_:
            inside = y == label
            p = np.asarray(X[inside].sum(axis=0)).ravel() + NBSVM_ALPHA
            q = total - p + 2 * NBSVM_ALPHA
            ratios = np.log(p / p.sum()) - np.log(q / q.sum())
            svm = self._svm().fit(X @ sparse.diags(ratios), inside)
            rows.append(np.asarray(svm.coef_, dtype=np.float64).ravel() * ratios)
            intercepts.append(float(svm.intercept_[0]))
        return np.vstack(rows), np.array(intercepts)

    # --- fitting --------------------------------------------------------------------------------

    def _splits(self, y: np.ndarray, groups: Sequence[Any] | None) -> list[tuple[np.ndarray, np.ndarray]]:
        """The inner folds: as cross-validation's, stratified, each group of near-copies on one side."""
        smallest = min(np.unique(y, return_counts=True)[1])
        folds = max(2, min(self.inner_folds, smallest))
        labels = [str(label) for label in y]
        splits, _grouped = stratified_folds(labels, labels, groups, folds, self.random_state)
        return splits

    def fit(self, X: Any, labels: Sequence[Any], groups: Sequence[Any] | None = None) -> StackedLinear:
        X = sparse.csr_matrix(X)
        y = np.asarray(labels)
        self.classes_ = np.unique(y)
        if len(self.classes_) < 2:
            raise ValueError("stacking needs at least two classes")
        unknown = [name for name in self.bases if name not in BASE_MODELS]
        if unknown or not self.bases:
            raise ValueError(f"base models {list(self.bases)}: choose from {', '.join(BASE_MODELS)}")
        k = len(self.classes_)
        out_of_fold = np.zeros((len(y), len(self.bases) * k))
        for train, test in self._splits(y, groups):
            L, c = self._linear_parts(X[train], y[train])
            out_of_fold[test] = np.asarray(X[test] @ L.T) + c
        mean = out_of_fold.mean(axis=0)
        scale = out_of_fold.std(axis=0)
        scale[scale == 0] = 1.0
        meta = LogisticRegression(C=self.meta_C, max_iter=2000).fit((out_of_fold - mean) / scale, y)
        meta_coef = np.asarray(meta.coef_, dtype=np.float64) / scale
        meta_intercept = np.asarray(meta.intercept_, dtype=np.float64)
        if k == 2:  # binary: p(second) = sigmoid(z) = softmax([-z/2, z/2]), each class its own share
            meta_coef = np.vstack([-meta_coef[0] / 2, meta_coef[0] / 2])
            meta_intercept = np.array([-meta_intercept[0] / 2, meta_intercept[0] / 2])
        L, c = self._linear_parts(X, y)
        self.coef_ = meta_coef @ L
        self.intercept_ = meta_coef @ (c - mean) + meta_intercept
        self.n_features_in_ = X.shape[1]
        return self

    # --- predicting -----------------------------------------------------------------------------

    def decision_function(self, X: Any) -> np.ndarray:
        return np.asarray(sparse.csr_matrix(X) @ self.coef_.T) + self.intercept_

    def predict_proba(self, X: Any) -> np.ndarray:
        return softmax(self.decision_function(X))

    def predict(self, X: Any) -> np.ndarray:
        return self.classes_[self.decision_function(X).argmax(axis=1)]


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)
