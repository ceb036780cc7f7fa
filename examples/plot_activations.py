"""Plot every activation of skdeep.nn and its derivative.

The derivative is the one the backward pass uses (``derivative(x, y)``); a
finite-difference check is printed for each so the plot doubles as a sanity
check. Saves ``activations.png`` when matplotlib is installed.
"""

import numpy as np

from skdeep.nn import get_activation

NAMES = [
    "identity",
    "step",
    "logistic",
    "tanh",
    "relu",
    "leaky_relu",
    "elu",
    "selu",
    "gelu",
    "swish",
    "mish",
    "softplus",
    "softsign",
    "hard_sigmoid",
]
x = np.linspace(-4, 4, 801)
x = x[np.abs(x) > 1e-3]
curves = {}
for name in NAMES:
    function, derivative = get_activation(name)
    y = function(x)
    slope = derivative(x, y)
    h = 1e-5
    numeric = (function(x + h) - function(x - h)) / (2 * h)
    smooth = np.abs(np.abs(x) - 3) > 1e-2  # hard_sigmoid has kinks at +-3
    error = np.max(np.abs(slope - numeric)[smooth])
    print(
        f"{name:>12}: f(1) = {function(np.array([1.0]))[0]: .4f}, "
        f"f'(1) = {derivative(np.array([1.0]), function(np.array([1.0])))[0]: .4f}, "
        f"max |f' - finite difference| = {error:.1e}"
    )
    curves[name] = (y, slope)

try:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError:
    print("matplotlib not installed: skipping the figure")
else:
    fig, axes = plt.subplots(3, 5, figsize=(15, 8), sharex=True)
    for ax, (name, (y, slope)) in zip(axes.ravel(), curves.items()):
        ax.plot(x, y, label="f(x)")
        ax.plot(x, slope, "--", label="f'(x)")
        ax.axhline(0, color="grey", lw=0.5)
        ax.set_title(name)
        ax.set_ylim(-2, 4)
    axes.ravel()[-1].axis("off")
    axes.ravel()[0].legend()
    fig.tight_layout()
    fig.savefig("activations.png", dpi=80)
    print("saved activations.png")
