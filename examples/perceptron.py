"""The perceptron stops making mistakes on separable data.

Novikoff's theorem: if some hyperplane separates the two classes with margin
``gamma`` and every sample lies within radius ``R`` of the origin, the
perceptron rule makes at most ``(R / gamma) ** 2`` mistakes, however many
passes it makes.  This script trains :class:`skdeep.neural_network.Perceptron`
one epoch at a time with ``partial_fit`` on separable blobs and prints the
training errors after each epoch until they reach zero, then shows the same
data with label noise, where they never do.  Saves ``perceptron.png`` when
matplotlib is installed.
"""

import numpy as np
from sklearn.datasets import make_blobs

from skdeep.neural_network import Perceptron


def errors_per_epoch(X, y, n_epochs):
    clf = Perceptron(random_state=0)
    errors = []
    for _ in range(n_epochs):
        clf.partial_fit(X, y, classes=np.unique(y))
        errors.append(int((clf.predict(X) != y).sum()))
    return clf, errors


X, _ = make_blobs(
    500, centers=[[-1.5, -1.0], [1.5, 1.0]], cluster_std=1.5, random_state=3
)
score = X @ [1.5, 1.0]
X, score = X[np.abs(score) > 0.05], score[np.abs(score) > 0.05]  # keep a margin
separable = (score > 0).astype(int)  # labelled by a known hyperplane
clf, errors = errors_per_epoch(X, separable, 15)
print("separable data, training errors per epoch:", errors)
print(f"weights {clf.coef_.ravel().round(2)}, intercept {clf.intercept_.round(2)}")

noisy = separable.copy()
flip = np.random.default_rng(0).choice(len(noisy), 20, replace=False)
noisy[flip] = 1 - noisy[flip]
_, noisy_errors = errors_per_epoch(X, noisy, 15)
print("with 20 flipped labels, training errors per epoch:", noisy_errors)

try:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError:
    print("matplotlib not installed: no figure")
else:
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    left.scatter(X[:, 0], X[:, 1], c=separable, cmap="coolwarm", s=10)
    grid = np.linspace(X[:, 0].min(), X[:, 0].max(), 2)
    w, b = clf.coef_.ravel(), clf.intercept_[0]
    left.plot(grid, -(w[0] * grid + b) / w[1], "k-", label="learned boundary")
    left.legend()
    left.set_title("separable data")
    right.plot(errors, "o-", label="separable")
    right.plot(noisy_errors, "s-", label="20 flipped labels")
    right.set_xlabel("epoch")
    right.set_ylabel("training errors")
    right.legend()
    fig.tight_layout()
    fig.savefig("perceptron.png", dpi=100)
    print("saved perceptron.png")
