"""Gradient boosting under scikit-learn's inspection tools (partial dependence,
indexing of the fitted stages)."""

import numpy as np
import pytest
from sklearn.inspection import partial_dependence
from sklearn.inspection._partial_dependence import _partial_dependence_recursion
from sklearn.tree import DecisionTreeRegressor

from skdeep.ensemble import GradientBoostingClassifier, GradientBoostingRegressor


def _few_values_data(seed, n_rows=2000):
    # Three values per feature: one bin per value, so the histogram tree is
    # scikit-learn's exact tree; and every node holds every value its path
    # allows, so the bin edges equal scikit-learn's midpoint thresholds for
    # the grid points too.
    rng = np.random.RandomState(seed)
    X = rng.randint(0, 3, size=(n_rows, 4)).astype(float)
    y = X[:, 0] * X[:, 1] - 2 * X[:, 2] + rng.normal(size=n_rows)
    return X, y - y.mean()


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("features", [[0], [1, 2], [3, 0]])
def test_recursion_equals_sklearn_tree_recursion(seed, features):
    X, y = _few_values_data(seed)
    w = np.random.RandomState(seed).uniform(0.5, 2.0, size=y.size)
    ours = GradientBoostingRegressor(
        n_estimators=1, learning_rate=1.0, max_depth=4, init="zero"
    ).fit(X, y, sample_weight=w)
    tree = DecisionTreeRegressor(max_depth=4).fit(X, y, sample_weight=w)
    np.testing.assert_allclose(ours.predict(X), tree.predict(X), atol=1e-10)
    grid = (
        np.array(np.meshgrid(*[np.arange(3.0)] * len(features)))
        .reshape(len(features), -1)
        .T
    )
    with pytest.warns(UserWarning, match="non-constant init predictor"):
        got = _partial_dependence_recursion(ours, grid, np.array(features))
    expected = _partial_dependence_recursion(tree, grid, np.array(features))
    np.testing.assert_allclose(got, expected, atol=1e-10)


def test_recursion_sums_the_trees_of_each_class():
    X, y = _few_values_data(0)
    classes = np.digitize(y, np.quantile(y, [1 / 3, 2 / 3]))
    model = GradientBoostingClassifier(n_estimators=5, random_state=0).fit(X, classes)
    grid = np.arange(3.0)[:, None]
    got = model._compute_partial_dependence_recursion(grid, np.array([1]))
    assert got.shape == (3, 3)
    # Each stage's trees, one class at a time: recursion is linear in trees.
    by_hand = np.zeros((3, 3))
    binned = model._bin_mapper.transform(
        np.c_[np.zeros(3), grid, np.zeros((3, 2))].astype(np.float32)
    )
    for stage in model:
        for k, member in enumerate(stage):
            by_hand[k] += member.tree_.partial_dependence(
                binned, [1], model._bin_mapper.missing_bin_
            )
    np.testing.assert_allclose(got, model.learning_rate * by_hand)
    # A feature the model never splits on has a flat partial dependence.
    unused = model._compute_partial_dependence_recursion(grid, np.array([3]))
    split_on = {f for s in model for t in s for f in t.tree_.feature if f >= 0}
    if 3 not in split_on:
        np.testing.assert_allclose(unused, unused[:, :1] * np.ones(3))


def test_partial_dependence_takes_the_recursion_like_sklearn_models():
    X, y = _few_values_data(3)
    model = GradientBoostingClassifier(n_estimators=5, random_state=0)
    model.fit(X, np.digitize(y, np.quantile(y, [1 / 3, 2 / 3])))
    result = partial_dependence(model, X, [1, 2], grid_resolution=3)
    grid = np.array(np.meshgrid(np.arange(3.0), np.arange(3.0), indexing="ij"))
    expected = model._compute_partial_dependence_recursion(
        grid.reshape(2, -1).T, np.array([1, 2])
    )
    np.testing.assert_allclose(result["average"], expected.reshape(3, 3, 3))
    explicit = partial_dependence(model, X, [1, 2], method="recursion")
    np.testing.assert_allclose(explicit["average"], result["average"])
    with pytest.raises(ValueError, match="response_method must be"):
        partial_dependence(
            model, X, [1], method="recursion", response_method="predict_proba"
        )


def test_default_partial_dependence_follows_the_sample_weights():
    # The rows with y = x weigh 1000 times the rows with y = -x: the
    # recursion averages by training weight and recovers y = x, as
    # scikit-learn's own gradient boosting does; brute averages the rows.
    rng = np.random.RandomState(0)
    mask = rng.randint(2, size=1000).astype(bool)
    x = rng.rand(1000)
    weight = np.where(mask, 1000.0, 1.0)
    X = np.c_[mask, x]
    model = GradientBoostingRegressor(n_estimators=10, random_state=1)
    model.fit(X, np.where(mask, x, -x), sample_weight=weight)
    default = partial_dependence(model, X, [1])
    assert np.corrcoef(default["average"][0], default["grid_values"][0])[0, 1] > 0.99
    brute = partial_dependence(model, X, [1], method="brute")
    assert np.ptp(brute["average"][0]) < 0.5 * np.ptp(default["average"][0])


def test_brute_partial_dependence_tracks_the_effect():
    X, y = _few_values_data(1)
    model = GradientBoostingRegressor(random_state=0).fit(X, y)
    result = partial_dependence(model, X, [2], method="brute", grid_resolution=3)
    # y falls by 2 per unit of feature 2.
    slope = np.polyfit(result["grid_values"][0], result["average"][0], 1)[0]
    assert slope == pytest.approx(-2.0, abs=0.3)


def test_stages_are_indexable_like_sklearn_ensembles():
    X, y = _few_values_data(2)
    model = GradientBoostingRegressor(n_estimators=7).fit(X, y)
    assert len(model) == 7
    assert model[2, 0] is model.estimators_[2, 0]
    assert [stage[0] for stage in model] == list(model.estimators_[:, 0])
    with pytest.raises(AttributeError):
        len(GradientBoostingRegressor())
