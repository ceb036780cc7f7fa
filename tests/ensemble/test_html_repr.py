"""The HTML display of ensembles of named members matches scikit-learn's."""

import pytest
from sklearn import ensemble as sk_ensemble
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor
from sklearn.utils import estimator_html_repr

from skdeep import ensemble as sd_ensemble


def _flatten(block):
    """(kind, names, dash_wrapped, leaves) of a visual block, recursively."""
    leaves = tuple(
        _flatten(est) if hasattr(est, "kind") else est for est in block.estimators
    )
    names = None if block.names is None else tuple(block.names)
    return block.kind, names, block.dash_wrapped, leaves


def _members(classifier):
    if classifier:
        return [("lr", LogisticRegression()), ("dt", DecisionTreeClassifier())]
    return [("lin", LinearRegression()), ("dt", DecisionTreeRegressor())]


@pytest.mark.parametrize(
    "name, classifier, final",
    [
        ("VotingClassifier", True, None),
        ("VotingRegressor", False, None),
        ("StackingClassifier", True, None),
        ("StackingRegressor", False, None),
        ("StackingClassifier", True, "given"),
        ("StackingRegressor", False, "given"),
    ],
)
def test_visual_block_is_scikit_learns(name, classifier, final):
    members = _members(classifier)
    kwargs = {}
    if final == "given":
        kwargs["final_estimator"] = members[0][1]
    ours = getattr(sd_ensemble, name)(members, **kwargs)._sk_visual_block_()
    theirs = getattr(sk_ensemble, name)(members, **kwargs)._sk_visual_block_()
    ours, theirs = _flatten(ours), _flatten(theirs)
    if final is None and name.startswith("Stacking"):
        # The default final estimators are fresh instances: compare their type.
        ours_final, theirs_final = ours[3][1][3][0], theirs[3][1][3][0]
        assert type(ours_final) is type(theirs_final)
        ours = ours[:3] + ((ours[3][0], ours[3][1][:3]),)
        theirs = theirs[:3] + ((theirs[3][0], theirs[3][1][:3]),)
    assert ours == theirs


def test_html_shows_members_and_final_estimator():
    html = estimator_html_repr(sd_ensemble.StackingClassifier(_members(True)))
    for text in ("lr", "dt", "final_estimator", "LogisticRegression"):
        assert text in html
    html = estimator_html_repr(sd_ensemble.VotingRegressor(_members(False)))
    assert "LinearRegression" in html and "DecisionTreeRegressor" in html
