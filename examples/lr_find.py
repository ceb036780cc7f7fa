"""Find a learning rate with the range test (``lr_find``).

Trains a throw-away clone of an MLPClassifier on digits for a few hundred
mini-batches while the learning rate grows exponentially from 1e-6 to 10, and
records the loss: flat at first, then falling fast, then exploding. The
suggested rate is a tenth of the rate where the smoothed loss is lowest. The
script then fits with a too-small rate, the suggested rate and a too-large
rate for 10 epochs each and prints the accuracies. Saves ``lr_find.png`` when
matplotlib is installed.
"""

import warnings

from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from skdeep.neural_network import MLPClassifier

X, y = load_digits(return_X_y=True)
X = StandardScaler().fit_transform(X)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)

clf = MLPClassifier(
    hidden_layer_sizes=(128,), solver="sgd", momentum=0.9, random_state=0
)
result = clf.lr_find(X_train, y_train, n_steps=200)
print(f"steps run: {len(result.losses)} (stopped early: {result.diverged})")
print(f"suggested learning rate: {result.suggested_learning_rate:.2g}")
print("the estimator is still unfitted:", not hasattr(clf, "coefs_"))

suggested = result.suggested_learning_rate
for rate in (suggested / 100, suggested, suggested * 30):
    clf.set_params(learning_rate_init=rate, max_iter=10)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        try:
            score = clf.fit(X_train, y_train).score(X_test, y_test)
        except ValueError as error:  # the too-large rate may diverge
            score = float("nan")
            print(f"  rate {rate:.2g}: {str(error)[:60]}...")
    print(
        f"  learning_rate_init={rate:<10.2g} test accuracy after 10 epochs {score:.3f}"
    )

try:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError:
    print("matplotlib not installed: no figure")
else:
    fig, ax = plt.subplots(figsize=(6, 4))
    result.plot(ax)
    ax.set_title("Learning-rate range test on digits")
    fig.tight_layout()
    fig.savefig("lr_find.png")
    print("saved lr_find.png")
