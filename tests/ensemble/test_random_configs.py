"""Bagging and AdaBoost against scikit-learn's on randomly drawn settings.

Both wrap scikit-learn's decision trees by default, so for the same seed they
must draw the same rows, features and tree seeds as scikit-learn's ensembles
and predict exactly alike.  Each case draws its task (binary, three-class or
regression), data, sample weights and parameters (bootstrap or pasting,
row and feature shares, out-of-bag scoring; the number of rounds, learning
rate and AdaBoost.R2 loss) from its seed.  Settings scikit-learn rejects
must be rejected too.
"""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn import ensemble as sk_ensemble
from sklearn.datasets import make_classification, make_regression

from skdeep import ensemble as sd_ensemble


def _data(rng, seed, classification):
    n, d = int(rng.integers(30, 400)), int(rng.integers(2, 15))
    if classification:
        return make_classification(
            n, d, n_informative=2, n_redundant=0, n_classes=int(rng.choice([2, 3])),
            n_clusters_per_class=1, random_state=seed,
        )  # fmt: skip
    return make_regression(n, d, noise=5.0, random_state=seed)


def _params(rng, kind, classification):
    if kind == "Bagging":
        params = {
            "n_estimators": int(rng.integers(2, 15)),
            "max_samples": float(rng.choice([1.0, 0.5])),
            "max_features": float(rng.choice([1.0, 0.6])),
            "bootstrap": bool(rng.random() < 0.7),
            "bootstrap_features": bool(rng.random() < 0.3),
        }
        params["oob_score"] = bool(params["bootstrap"] and rng.random() < 0.5)
    else:
        params = {
            "n_estimators": int(rng.integers(2, 30)),
            "learning_rate": float(rng.choice([1.0, 0.5])),
        }
        if not classification:
            params["loss"] = str(rng.choice(["linear", "square", "exponential"]))
    params["random_state"] = int(rng.integers(100))
    return params


@pytest.mark.parametrize("kind", ["Bagging", "AdaBoost"])
@pytest.mark.parametrize("seed", range(15))
def test_random_settings_give_sklearns_ensemble(seed, kind):
    rng = np.random.default_rng(seed + (0 if kind == "Bagging" else 1000))
    classification = bool(rng.random() < 0.5)
    X, y = _data(rng, seed, classification)
    weights = rng.uniform(0.1, 3.0, X.shape[0]) if rng.random() < 0.3 else None
    params = _params(rng, kind, classification)
    name = kind + ("Classifier" if classification else "Regressor")
    ours_cls, ref_cls = getattr(sd_ensemble, name), getattr(sk_ensemble, name)
    with warnings.catch_warnings():
        # e.g. pasting with sample weights: both warn alike.
        warnings.simplefilter("ignore", UserWarning)
        try:
            theirs = ref_cls(**params).fit(X, y, sample_weight=weights)
        except ValueError as error:
            message = str(error).split(" ")[0]
            with pytest.raises(ValueError, match=message):
                ours_cls(**params).fit(X, y, sample_weight=weights)
            return
        ours = ours_cls(**params).fit(X, y, sample_weight=weights)
    if classification:
        assert_array_equal(ours.predict(X), theirs.predict(X), err_msg=str(params))
        assert_allclose(ours.predict_proba(X), theirs.predict_proba(X))
    else:
        assert_allclose(ours.predict(X), theirs.predict(X), err_msg=str(params))
    if params.get("oob_score"):
        assert ours.oob_score_ == pytest.approx(theirs.oob_score_)
