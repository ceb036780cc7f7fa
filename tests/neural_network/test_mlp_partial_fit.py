"""partial_fit with early_stopping=True: skdeep's defined behaviour.

Each call holds out ``validation_fraction`` of its batch, trains one epoch on
the rest and scores the held-out part. Training continues from the latest
weights; ``coefs_`` (what ``predict`` uses) is the best model seen so far.
"""

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.datasets import make_classification

from skdeep.neural_network import MLPClassifier, MLPRegressor


@pytest.fixture(scope="module")
def stream():
    X, y = make_classification(n_samples=600, n_features=8, random_state=0)
    return np.array_split(X, 30), np.array_split(y, 30)


def test_partial_fit_with_early_stopping_keeps_the_best_model(stream):
    batches_X, batches_y = stream
    clf = MLPClassifier(
        hidden_layer_sizes=(16,),
        solver="sgd",
        learning_rate_init=0.5,
        early_stopping=True,
        validation_fraction=0.25,
        random_state=0,
    )
    snapshots = []
    for X, y in zip(batches_X, batches_y):
        clf.partial_fit(X, y, classes=[0, 1])
        snapshots.append([c.copy() for c in clf.coefs_])
    scores = clf.validation_scores_
    assert len(scores) == len(batches_X) == len(clf.loss_curve_)
    assert clf.best_validation_score_ == max(scores)
    assert clf.best_loss_ is None
    # coefs_ only change on calls that beat the best score so far
    best = -np.inf
    for i, score in enumerate(scores[1:], start=1):
        best = max(best, scores[i - 1])
        changed = not np.array_equal(snapshots[i][0], snapshots[i - 1][0])
        assert changed == (score > best)
    best_call = int(np.argmax(scores))
    assert_array_equal(clf.coefs_[0], snapshots[best_call][0])
    # ...while training went on from the latest weights
    latest = clf._training_network.layers[0].params["kernel"].value
    assert best_call == len(scores) - 1 or not np.array_equal(latest, clf.coefs_[0])


def test_partial_fit_with_early_stopping_learns(stream):
    batches_X, batches_y = stream
    X_all, y_all = np.vstack(batches_X), np.concatenate(batches_y)
    clf = MLPRegressor(
        hidden_layer_sizes=(16,),
        early_stopping=True,
        learning_rate_init=0.01,
        random_state=0,
    )
    for _ in range(3):
        for X, y in zip(batches_X, batches_y):
            clf.partial_fit(X, y)
    assert clf.score(X_all, y_all) > 0.4
    assert clf.best_validation_score_ > 0.4


def test_partial_fit_with_early_stopping_needs_two_validation_samples():
    X, y = make_classification(n_samples=10, random_state=0)
    clf = MLPClassifier(early_stopping=True, validation_fraction=0.1)
    with pytest.raises(ValueError, match="The validation set is too small"):
        clf.partial_fit(X, y, classes=[0, 1])
    assert not hasattr(clf, "coefs_")


def test_partial_fit_after_fit_with_early_stopping_continues(stream):
    batches_X, batches_y = stream
    X, y = np.vstack(batches_X), np.concatenate(batches_y)
    clf = MLPClassifier(
        hidden_layer_sizes=(8,), early_stopping=True, max_iter=20, random_state=0
    ).fit(X, y)
    n_scores = len(clf.validation_scores_)
    clf.partial_fit(X, y)
    assert len(clf.validation_scores_) == n_scores + 1
    assert clf.n_iter_ == 1


def test_partial_fit_with_early_stopping_flags_when_patience_runs_out(stream):
    batches_X, batches_y = stream
    clf = MLPClassifier(
        hidden_layer_sizes=(4,),
        early_stopping=True,
        validation_fraction=0.25,
        tol=1.0,  # no call can improve the score by a whole point
        n_iter_no_change=2,
        random_state=0,
    )
    flags = []
    for X, y in zip(batches_X[:5], batches_y[:5]):
        clf.partial_fit(X, y, classes=[0, 1])
        flags.append(clf.history_.stopped)
    assert flags == [False, False, False, True, True]
    assert clf._no_improvement_count == 4
