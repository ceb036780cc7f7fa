"""Classify handwritten digits with MLPClassifier, sklearn's way and beyond.

Fits :class:`skdeep.neural_network.MLPClassifier` on the 8x8 digits (scaled,
25% held out) three ways -- sklearn's defaults, L-BFGS, and a wider network
with dropout (a skdeep extension) -- and prints test accuracy, epochs and fit
time. Every model records its training in ``history_`` (loss, learning rate
and seconds per epoch); the script plots the loss curves to ``mlp_digits.png``
when matplotlib is installed.
"""

import time
import warnings

from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdeep.neural_network import MLPClassifier

warnings.filterwarnings("ignore", category=ConvergenceWarning)  # max_iter is small
X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, stratify=y, random_state=0
)
models = {
    "sklearn defaults (adam)": MLPClassifier(max_iter=100, random_state=0),
    "lbfgs": MLPClassifier(solver="lbfgs", alpha=1e-2, random_state=0),
    "adam, 512 units + dropout 0.5": MLPClassifier(
        hidden_layer_sizes=(512,),
        dropout=0.5,
        alpha=1e-3,
        max_iter=60,
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

for name in ("sklearn defaults (adam)", "adam, 512 units + dropout 0.5"):
    history = models[name].history_
    print(
        f"{name}: {sum(history.seconds):.2f}s of training, final loss "
        f"{history.loss[-1]:.4f}"
    )

try:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError:
    print("matplotlib not installed: no figure")
else:
    fig, ax = plt.subplots(figsize=(6, 4))
    for name in ("sklearn defaults (adam)", "adam, 512 units + dropout 0.5"):
        ax.plot(models[name].history_.loss, label=name)
    ax.set(
        xlabel="epoch",
        ylabel="training loss",
        yscale="log",
        title="MLPClassifier on digits: history_.loss",
    )
    ax.legend()
    fig.tight_layout()
    fig.savefig("mlp_digits.png")
    print("saved mlp_digits.png")
