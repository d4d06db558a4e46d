"""The stack's base models as linear parts: each part must reproduce the model it stands for."""

import numpy as np
import pytest
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import RidgeClassifier
from sklearn.naive_bayes import ComplementNB
from sklearn.svm import LinearSVC

from hotline.routing.stacking import BASE_MODELS, NBSVM_ALPHA, StackedLinear, softmax
from tests.routing.conftest import corpus


def features(labels_wanted: int) -> tuple[sparse.csr_matrix, np.ndarray]:
    texts, labels = corpus(per_label=12)
    kept = sorted(set(labels))[:labels_wanted]
    rows = [i for i, label in enumerate(labels) if label in kept]
    vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(1, 2), lowercase=False)
    return sparse.csr_matrix(vectorizer.fit_transform([texts[i] for i in rows])), np.asarray(labels)[rows]


def linear_parts(name: str, X: sparse.csr_matrix, y: np.ndarray) -> np.ndarray:
    """The base model's outputs for X, as the stack computes them (L x + c)."""
    stack = StackedLinear(bases=(name,))
    stack.classes_ = np.unique(y)
    L, c = stack._linear_parts(X, y)
    return np.asarray(X @ L.T) + c


@pytest.mark.parametrize("classes", [4, 2], ids=["multi-class", "binary"])
def test_the_nb_svm_part_is_one_svm_per_class_over_ratio_scaled_features(classes: int) -> None:
    X, y = features(classes)
    got = linear_parts("nbsvm", X, y)
    expected = []
    for label in np.unique(y):
        # Log-count ratios from their definition: smoothed feature sums inside and outside the class.
        p = np.asarray(X[y == label].sum(axis=0)).ravel() + NBSVM_ALPHA
        q = np.asarray(X[y != label].sum(axis=0)).ravel() + NBSVM_ALPHA
        scaled = X.multiply((np.log(p / p.sum()) - np.log(q / q.sum()))[None, :]).tocsr()
        svm = LinearSVC(class_weight="balanced", random_state=0).fit(scaled, y == label)
        expected.append(svm.decision_function(scaled))
    assert np.allclose(got, np.column_stack(expected), atol=1e-8)
    # Each class's own messages get its highest margin.
    assert (np.unique(y)[got.argmax(axis=1)] == y).mean() > 0.95


@pytest.mark.parametrize("classes", [4, 2], ids=["multi-class", "binary"])
def test_the_margin_parts_reproduce_the_svm_and_the_ridge_classifier(classes: int) -> None:
    X, y = features(classes)
    for name, model in [
        ("svm", LinearSVC(class_weight="balanced", random_state=0)),
        ("ridge", RidgeClassifier(class_weight="balanced")),
    ]:
        margins = np.asarray(model.fit(X, y).decision_function(X))
        if classes == 2:  # one margin, for the second class; the stack keeps one row per class
            margins = np.column_stack([-margins, margins])
        assert np.allclose(linear_parts(name, X, y), margins, atol=1e-8), name


def test_the_naive_bayes_part_gives_complement_nb_probabilities() -> None:
    X, y = features(4)
    nb = ComplementNB(alpha=0.1).fit(X, y)
    assert np.allclose(softmax(linear_parts("nb_all", X, y)), nb.predict_proba(X), atol=1e-8)


@pytest.mark.parametrize("classes", [4, 2], ids=["multi-class", "binary"])
def test_every_base_model_alone_makes_a_working_stack(classes: int) -> None:
    X, y = features(classes)
    for name in BASE_MODELS:
        stack = StackedLinear(bases=(name,), nb_columns=X.shape[1]).fit(X, list(y))
        assert (stack.predict(X) == y).mean() > 0.9, name
        assert np.allclose(stack.predict_proba(X).sum(axis=1), 1.0)
