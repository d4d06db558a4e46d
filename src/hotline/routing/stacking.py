"""A linear SVM and Complement Naive Bayes, stacked under a multinomial logistic regression, and
folded back into one linear model.

Why: the SVM alone, calibrated per class, scored 0.9235 macro-F1 on the raw messages; learning how
to weigh its margins together with Naive Bayes's log-probabilities, from out-of-fold outputs and
without class weights in the combination, scored 0.9276 over three fold seeds
(docs/adr/0002-classifier.md, third round).

How: inner folds give each training text the outputs of base models that did not see it; a
multinomial logistic regression learns from those outputs (standardised) which to trust; the base
models are then refitted on everything. Every step is linear in the TF-IDF features (an SVM margin
is w·x + b, a centred ComplementNB log-probability is a linear function of x), so the whole stack
is one matrix `coef_` and one vector `intercept_` followed by a softmax: predicting costs what the
single SVM cost, and `classifier.Scorer` and `explain.top_terms` read it as they read a linear
model.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import ComplementNB
from sklearn.svm import LinearSVC

from hotline.routing.classifier import stratified_folds


class StackedLinear(ClassifierMixin, BaseEstimator):
    """SVM + ComplementNB under a logistic regression, as one linear model with a softmax.

    `nb_columns`: the ComplementNB reads the first `nb_columns` features only (the character block;
    None: all). `fit` takes optional `groups` so that near-copies stay in one inner fold.
    """

    def __init__(
        self,
        C: float = 1.0,
        class_weight: str | None = "balanced",
        nb_alpha: float = 0.1,
        nb_columns: int | None = None,
        inner_folds: int = 5,
        meta_C: float = 1.0,
        random_state: int = 0,
    ) -> None:
        self.C = C
        self.class_weight = class_weight
        self.nb_alpha = nb_alpha
        self.nb_columns = nb_columns
        self.inner_folds = inner_folds
        self.meta_C = meta_C
        self.random_state = random_state

    # --- the base models ----------------------------------------------------------------------

    def _fit_base(self, X: sparse.csr_matrix, y: np.ndarray) -> tuple[LinearSVC, ComplementNB]:
        svm = LinearSVC(C=self.C, class_weight=self.class_weight, random_state=self.random_state).fit(X, y)
        nb = ComplementNB(alpha=self.nb_alpha).fit(X[:, : self._nb_end(X)], y)
        return svm, nb

    def _nb_end(self, X: Any) -> int:
        return X.shape[1] if self.nb_columns is None else min(self.nb_columns, X.shape[1])

    def _linear_parts(self, svm: LinearSVC, nb: ComplementNB, width: int) -> tuple[np.ndarray, np.ndarray]:
        """The base models' outputs as L x + c: SVM margins, then centred NB log-probabilities."""
        k = len(self.classes_)
        coef = np.asarray(svm.coef_, dtype=np.float64)
        intercept = np.asarray(svm.intercept_, dtype=np.float64)
        if k == 2:  # a binary SVM keeps one row, for the second class
            coef, intercept = np.vstack([-coef[0], coef[0]]), np.array([-intercept[0], intercept[0]])
        nb_log = np.asarray(nb.feature_log_prob_, dtype=np.float64)
        nb_log = nb_log - nb_log.mean(axis=0, keepdims=True)  # centred over classes: no normaliser
        nb_rows = np.zeros((k, width))
        nb_rows[:, : nb_log.shape[1]] = nb_log
        return np.vstack([coef, nb_rows]), np.concatenate([intercept, np.zeros(k)])

    def _outputs(self, svm: LinearSVC, nb: ComplementNB, X: sparse.csr_matrix) -> np.ndarray:
        L, c = self._linear_parts(svm, nb, X.shape[1])
        return np.asarray(X @ L.T) + c

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
        k = len(self.classes_)
        out_of_fold = np.zeros((len(y), 2 * k))
        for train, test in self._splits(y, groups):
            svm, nb = self._fit_base(X[train], y[train])
            out_of_fold[test] = self._outputs(svm, nb, X[test])
        mean = out_of_fold.mean(axis=0)
        scale = out_of_fold.std(axis=0)
        scale[scale == 0] = 1.0
        meta = LogisticRegression(C=self.meta_C, max_iter=2000).fit((out_of_fold - mean) / scale, y)
        meta_coef = np.asarray(meta.coef_, dtype=np.float64) / scale
        meta_intercept = np.asarray(meta.intercept_, dtype=np.float64)
        if k == 2:  # binary: p(second) = sigmoid(z) = softmax([-z/2, z/2]), each class its own share
            meta_coef = np.vstack([-meta_coef[0] / 2, meta_coef[0] / 2])
            meta_intercept = np.array([-meta_intercept[0] / 2, meta_intercept[0] / 2])
        L, c = self._linear_parts(*self._fit_base(X, y), X.shape[1])
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
