"""Out-of-bag score versus held-out test score for bagging.

Each member of a bagging ensemble is trained on a bootstrap sample, which
leaves out about 37 % of the rows (``(1 - 1/n)^n -> 1/e``).  Scoring every
training row with only the members that never saw it gives the out-of-bag
(OOB) score: an estimate of the test score that costs no held-out data.  This
script fits :class:`skdeep.ensemble.BaggingClassifier` with a growing number of
trees and prints the OOB accuracy next to the accuracy on a real test split:
with a handful of trees the OOB estimate is pessimistic (each row is voted on
by few members, and some by none), then the two curves meet.  It also shows
the skdeep extension ``oob_score="roc_auc"`` (any scorer name or callable).
Saves ``ensemble_oob_vs_test.png`` when matplotlib is installed.
"""

import warnings

from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split

from skdeep.ensemble import BaggingClassifier

X, y = make_classification(
    n_samples=1500, n_features=20, n_informative=6, flip_y=0.05, random_state=0
)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)

sizes = [5, 10, 20, 40, 80]
oob, test = [], []
print(f"{'trees':>6} {'OOB accuracy':>13} {'test accuracy':>14}")
for n_estimators in sizes:
    model = BaggingClassifier(n_estimators=n_estimators, oob_score=True, random_state=0)
    with warnings.catch_warnings():
        # With very few trees some rows are in every bootstrap sample.
        warnings.simplefilter("ignore", UserWarning)
        model.fit(X_train, y_train)
    oob.append(model.oob_score_)
    test.append(model.score(X_test, y_test))
    print(f"{n_estimators:>6} {oob[-1]:>13.3f} {test[-1]:>14.3f}")

auc_model = BaggingClassifier(n_estimators=40, oob_score="roc_auc", random_state=0)
auc_model.fit(X_train, y_train)
print(f"OOB ROC AUC with 40 trees (oob_score='roc_auc'): {auc_model.oob_score_:.3f}")

try:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError:
    plt = None

if plt is not None:
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(sizes, oob, "o-", label="out-of-bag accuracy")
    ax.plot(sizes, test, "s-", label="test accuracy")
    ax.set_xscale("log")
    ax.set_xlabel("number of trees")
    ax.set_ylabel("accuracy")
    ax.legend()
    fig.tight_layout()
    fig.savefig("ensemble_oob_vs_test.png", dpi=90)
    print("saved ensemble_oob_vs_test.png")
