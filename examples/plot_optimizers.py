"""Compare the optimizers of skdeep.nn on one problem, using train() directly.

The same network (64 -> 64 tanh -> 10) starts from the same weights on the
digits data and is trained for 20 epochs by each optimizer with its usual
learning rate. The final training losses are printed; with matplotlib the loss
curves are saved to ``optimizers.png``.
"""

import numpy as np
from sklearn.datasets import load_digits

from skdeep import nn

X, y = load_digits(return_X_y=True)
X = X / 16.0

OPTIMIZERS = {
    "sgd": nn.SGD(learning_rate=0.05),
    "sgd + nesterov": nn.SGD(learning_rate=0.05, momentum=0.9, nesterov=True),
    "adagrad": nn.Adagrad(learning_rate=0.05),
    "adadelta": nn.Adadelta(learning_rate=1.0),
    "rmsprop": nn.RMSprop(learning_rate=0.001),
    "adam": nn.Adam(learning_rate=0.001),
    "adamax": nn.Adamax(learning_rate=0.002),
    "nadam": nn.Nadam(learning_rate=0.002),
    "adamw": nn.AdamW(learning_rate=0.001, weight_decay=0.01),
}

template = nn.Sequential([nn.Dense(64), nn.Activation("tanh"), nn.Dense(10)])
template.build((64,), np.random.default_rng(0))
initial_weights = template.get_weights()

curves = {}
for name, optimizer in OPTIMIZERS.items():
    network = nn.Sequential([nn.Dense(64), nn.Activation("tanh"), nn.Dense(10)])
    network.build((64,), np.random.default_rng(0))
    network.set_weights(initial_weights)  # same starting point for everyone
    history = nn.train(
        network,
        nn.CategoricalCrossEntropy(),
        optimizer,
        X,
        y,
        batch_size=64,
        max_epochs=20,
        rng=np.random.default_rng(1),  # same mini-batch order for everyone
    )
    curves[name] = history.loss
    print(
        f"{name:>15}: loss after 1 epoch {history.loss[0]:.3f}, "
        f"after 20 epochs {history.loss[-1]:.4f}"
    )

try:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError:
    print("matplotlib not installed: skipping the figure")
else:
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for name, loss in curves.items():
        ax.plot(range(1, len(loss) + 1), loss, label=name)
    ax.set(
        xlabel="epoch",
        ylabel="training loss",
        yscale="log",
        title="Optimizers on digits (same network, same start)",
    )
    ax.legend(ncol=2, fontsize="small")
    fig.tight_layout()
    fig.savefig("optimizers.png", dpi=80)
    print("saved optimizers.png")
