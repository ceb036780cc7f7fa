"""Classify handwritten digits with MLPClassifier, sklearn's way and beyond.

Fits :class:`skdeep.neural_network.MLPClassifier` on the 8x8 digits (scaled,
25% held out) three ways -- sklearn's defaults, L-BFGS, and Adam with dropout
and early stopping -- and prints test accuracy, epochs and fit time. The last
model's ``history_`` holds the training loss, validation loss and validation
accuracy of every epoch; the script plots them to ``mlp_digits.png`` when
matplotlib is installed.
"""

import time

from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdeep.neural_network import MLPClassifier

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, stratify=y, random_state=0
)
models = {
    "sklearn defaults (adam)": MLPClassifier(max_iter=100, random_state=0),
    "lbfgs": MLPClassifier(solver="lbfgs", alpha=1e-2, random_state=0),
    "adam + dropout + early stopping": MLPClassifier(
        hidden_layer_sizes=(256,),
        dropout=0.3,
        early_stopping=True,
        n_iter_no_change=15,
        max_iter=300,
        random_state=0,
    ),
}
for name, mlp in models.items():
    model = make_pipeline(StandardScaler(), mlp)
    start = time.perf_counter()
    model.fit(X_train, y_train)
    seconds = time.perf_counter() - start
    print(
        f"{name:<34} test accuracy {model.score(X_test, y_test):.3f}  "
        f"epochs/iterations {mlp.n_iter_:>3}  {seconds:.2f}s"
    )

history = models["adam + dropout + early stopping"].history_
print(
    f"best validation accuracy {max(history.val_score):.3f} "
    f"at epoch {history.val_score.index(max(history.val_score)) + 1}"
)

try:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError:
    print("matplotlib not installed: no figure")
else:
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(history.loss, label="training loss")
    ax.plot(history.val_loss, label="validation loss")
    ax.plot(history.val_score, label="validation accuracy")
    ax.set(xlabel="epoch", title="MLPClassifier on digits: history_")
    ax.legend()
    fig.tight_layout()
    fig.savefig("mlp_digits.png")
    print("saved mlp_digits.png")
