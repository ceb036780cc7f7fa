"""Staged test error of AdaBoost (SAMME) with decision stumps.

A decision stump (a depth-1 tree) is a weak learner: on its own it barely
beats chance on a 10-feature problem whose label depends on the radius
(Hastie et al.'s ``make_hastie_10_2``).  AdaBoost fits stumps one after
another, each on sample weights that emphasise the rows the previous ones got
wrong, and lets them vote with weights ``log((1 - err) / err) + log(K - 1)``.
``staged_predict`` replays the ensemble after every round for free, so this
script prints the test error along the rounds for two learning rates and
compares it with a single stump and with a fully grown tree.  Saves
``adaboost_staged_error.png`` when matplotlib is installed.
"""

import numpy as np
from sklearn.datasets import make_hastie_10_2
from sklearn.metrics import zero_one_loss
from sklearn.tree import DecisionTreeClassifier

from skdeep.ensemble import AdaBoostClassifier

X, y = make_hastie_10_2(n_samples=4000, random_state=1)
X_train, X_test, y_train, y_test = X[:2000], X[2000:], y[:2000], y[2000:]

stump = DecisionTreeClassifier(max_depth=1).fit(X_train, y_train)
tree = DecisionTreeClassifier(random_state=0).fit(X_train, y_train)
print(f"single stump test error: {1 - stump.score(X_test, y_test):.3f}")
print(f"full tree test error:    {1 - tree.score(X_test, y_test):.3f}")

curves = {}
for learning_rate in (1.0, 0.5):
    model = AdaBoostClassifier(
        DecisionTreeClassifier(max_depth=1),
        n_estimators=300,
        learning_rate=learning_rate,
        random_state=0,
    ).fit(X_train, y_train)
    curves[learning_rate] = np.array(
        [zero_one_loss(y_test, pred) for pred in model.staged_predict(X_test)]
    )
    curve = curves[learning_rate]
    print(
        f"AdaBoost learning_rate={learning_rate}: test error after 10 stumps "
        f"{curve[9]:.3f}, 100 stumps {curve[99]:.3f}, 300 stumps {curve[-1]:.3f}"
    )

try:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError:
    plt = None

if plt is not None:
    fig, ax = plt.subplots(figsize=(7, 4))
    for learning_rate, curve in curves.items():
        rounds = np.arange(1, curve.size + 1)
        ax.plot(rounds, curve, label=f"AdaBoost, learning_rate={learning_rate}")
    ax.axhline(1 - stump.score(X_test, y_test), ls="--", c="k", label="one stump")
    ax.axhline(1 - tree.score(X_test, y_test), ls=":", c="k", label="full tree")
    ax.set_xlabel("boosting round (number of stumps)")
    ax.set_ylabel("test error")
    ax.legend()
    fig.tight_layout()
    fig.savefig("adaboost_staged_error.png", dpi=90)
    print("saved adaboost_staged_error.png")
