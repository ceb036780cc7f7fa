"""PCA on the digits: explained-variance curve and a 2-D projection.

Computes the explained-variance and reconstruction-error curves of the 8x8
digits with :func:`skdeep.decomposition.explained_variance_curve` (held-out
error on a test split), prints how many components reach 80/90/95/99% of the
variance, projects the digits on the first two principal axes with
:class:`skdeep.decomposition.PCA`, and (when matplotlib is installed) saves
both plots to ``pca_digits.png``.
"""

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from skdeep.decomposition import PCA, explained_variance_curve

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)

curve = explained_variance_curve(X_train, X_test=X_test)
print(" k  cumulative variance  train error  test error")
for k in (1, 2, 5, 10, 20, 30, 40):
    i = k - 1
    print(
        f"{k:2d}  {curve.cumulative_explained_variance_ratio[i]:19.3f}"
        f"  {curve.reconstruction_error[i]:11.1f}"
        f"  {curve.test_reconstruction_error[i]:10.1f}"
    )
for threshold, k in curve.n_components_for.items():
    print(f"{threshold:.0%} of the variance needs {k} of 64 components")

pca = PCA(n_components=2).fit(X_train)
projected = pca.transform(X_test)
share = pca.explained_variance_ratio_.sum()
print(f"2-D projection keeps {share:.1%} of the variance")
for digit in range(10):
    centre = projected[y_test == digit].mean(axis=0)
    print(f"digit {digit}: mean position ({centre[0]:6.1f}, {centre[1]:6.1f})")

try:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError:
    plt = None

if plt is not None:
    fig, axes = plt.subplots(1, 2, figsize=(12, 5))
    ks = curve.n_components
    axes[0].plot(ks, curve.cumulative_explained_variance_ratio, label="cumulative")
    axes[0].bar(ks, curve.explained_variance_ratio, color="grey", label="per axis")
    for k in curve.n_components_for.values():
        if k is not None:
            axes[0].axvline(k, color="tab:red", alpha=0.3, linestyle="--")
    axes[0].set(xlabel="number of components", ylabel="explained variance ratio")
    axes[0].set_title("Digits: explained variance")
    axes[0].legend()
    scatter = axes[1].scatter(*projected.T, c=y_test, cmap="tab10", s=10)
    axes[1].set(xlabel="PC 1", ylabel="PC 2", title="Test digits on two axes")
    fig.colorbar(scatter, ax=axes[1], ticks=np.arange(10))
    fig.tight_layout()
    fig.savefig("pca_digits.png", dpi=100)
    print("saved pca_digits.png")
