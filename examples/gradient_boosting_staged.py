"""Staged test error of gradient boosting: shrinkage and subsampling.

Gradient boosting adds one tree per stage, so ``staged_predict_proba`` gives
the model after every stage for free.  This script trains
:class:`skdeep.ensemble.GradientBoostingClassifier` on noisy labels
with three settings and prints the test error along the stages: a large
learning rate learns fast then overfits, a small one (shrinkage) needs more
trees but ends better, and subsampling (stochastic gradient boosting) grows
each tree on half of the rows, which is cheaper and acts as a regulariser.
The best number of trees is where the staged test error is lowest.  Saves
``gradient_boosting_staged.png`` when matplotlib is installed.
"""

import numpy as np
from sklearn.datasets import make_classification
from sklearn.metrics import log_loss
from sklearn.model_selection import train_test_split

from skdeep.ensemble import GradientBoostingClassifier

X, y = make_classification(
    n_samples=2000, n_features=20, n_informative=8, flip_y=0.15, random_state=1
)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)

settings = {
    "learning_rate=1.0": dict(learning_rate=1.0),
    "learning_rate=0.1": dict(learning_rate=0.1),
    "learning_rate=0.1, subsample=0.5": dict(learning_rate=0.1, subsample=0.5),
}
curves = {}
for name, params in settings.items():
    model = GradientBoostingClassifier(
        n_estimators=150, max_depth=3, random_state=0, **params
    ).fit(X_train, y_train)
    curves[name] = np.array(
        [log_loss(y_test, proba) for proba in model.staged_predict_proba(X_test)]
    )
    best = int(np.argmin(curves[name]))
    print(
        f"{name:<36} test log-loss: after 10 trees {curves[name][9]:.3f}, "
        f"best {curves[name][best]:.3f} at {best + 1} trees, "
        f"final {curves[name][-1]:.3f}; accuracy {model.score(X_test, y_test):.3f}"
    )

try:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError:
    plt = None

if plt is not None:
    fig, ax = plt.subplots(figsize=(7, 4))
    for name, curve in curves.items():
        ax.plot(np.arange(1, curve.size + 1), curve, label=name)
    ax.set_xlabel("boosting stage (number of trees)")
    ax.set_ylabel("test log-loss")
    ax.legend()
    fig.tight_layout()
    fig.savefig("gradient_boosting_staged.png", dpi=90)
    print("saved gradient_boosting_staged.png")
