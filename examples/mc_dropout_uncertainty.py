"""Uncertainty from Monte-Carlo dropout.

An MLPRegressor trained with dropout is an ensemble of thinned networks.
Keeping dropout on at prediction time and repeating the prediction gives a
spread that estimates the model's uncertainty (Gal & Ghahramani, 2016):
``predict(X, return_std=True)``. Trained on noisy samples of a sine on
[-1, 1], the standard deviation is small inside that interval and grows
outside it, where the model has seen no data. Saves ``mc_dropout.png`` when
matplotlib is installed.
"""

import numpy as np

from skdeep.neural_network import MLPRegressor

rng = np.random.default_rng(0)
X = rng.uniform(-1, 1, size=(300, 1))
y = np.sin(3 * X[:, 0]) + 0.1 * rng.normal(size=300)

model = MLPRegressor(
    hidden_layer_sizes=(128, 128),
    dropout=0.2,
    learning_rate_init=0.01,
    max_iter=200,
    mc_samples=200,
    random_state=0,
).fit(X, y)

grid = np.linspace(-3, 3, 13)[:, None]
mean, std = model.predict(grid, return_std=True)
print("    x    mean     std   (training data lies in [-1, 1])")
for x, m, s in zip(grid[:, 0], mean, std):
    print(f"{x:5.1f}  {m:6.2f}  {s:6.3f}")
inside = std[np.abs(grid[:, 0]) <= 1].mean()
outside = std[np.abs(grid[:, 0]) >= 2].mean()
print(f"mean std inside the data {inside:.3f}, far outside {outside:.3f}")

try:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError:
    print("matplotlib not installed: no figure")
else:
    fine = np.linspace(-3, 3, 200)[:, None]
    mean, std = model.predict(fine, return_std=True)
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.scatter(X[:, 0], y, s=5, c="k", label="training data")
    ax.plot(fine[:, 0], mean, label="MC-dropout mean")
    ax.fill_between(
        fine[:, 0], mean - 2 * std, mean + 2 * std, alpha=0.3, label="± 2 std"
    )
    ax.legend()
    fig.tight_layout()
    fig.savefig("mc_dropout.png")
    print("saved mc_dropout.png")
