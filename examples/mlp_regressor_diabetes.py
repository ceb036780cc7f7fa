"""Regression on the diabetes data with MLPRegressor: losses against outliers.

A small network (one hidden layer, strong L2 penalty, L-BFGS) reaches the
accuracy of a ridge regression on sklearn's diabetes data, with inputs and
target standardised in a pipeline. The second part corrupts 10% of the
training targets with gross outliers and compares the squared-error, absolute
error and Huber losses (skdeep extensions; sklearn's MLPRegressor only has
squared error and Poisson): the robust losses barely notice the outliers.
"""

import warnings

import numpy as np
from sklearn.compose import TransformedTargetRegressor
from sklearn.datasets import load_diabetes
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import Ridge
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdeep.neural_network import MLPRegressor

warnings.filterwarnings("ignore", category=ConvergenceWarning)
X, y = load_diabetes(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, random_state=42
)


def scaled(regressor):
    return TransformedTargetRegressor(
        make_pipeline(StandardScaler(), regressor), transformer=StandardScaler()
    )


mlp = scaled(
    MLPRegressor(
        hidden_layer_sizes=(10,),
        solver="lbfgs",
        alpha=10.0,
        max_iter=500,
        random_state=0,
    )
)
ridge = scaled(Ridge())
for name, model in [("MLPRegressor (lbfgs)", mlp), ("Ridge", ridge)]:
    print(f"{name:<22} test R2 {model.fit(X_train, y_train).score(X_test, y_test):.3f}")

rng = np.random.default_rng(0)
corrupted = y_train.copy()
bad = rng.choice(len(corrupted), len(corrupted) // 10, replace=False)
corrupted[bad] += 1000.0  # gross recording errors
scale = np.std(y_train)
print("\nwith 10% gross outliers in the training targets:")
for loss in ("squared_error", "absolute_error", "huber"):
    model = make_pipeline(
        StandardScaler(),
        MLPRegressor(
            loss=loss,
            hidden_layer_sizes=(10,),
            alpha=1.0,
            learning_rate_init=0.01,
            max_iter=300,
            random_state=0,
        ),
    )
    model.fit(X_train, (corrupted - y_train.mean()) / scale)
    prediction = model.predict(X_test) * scale + y_train.mean()
    r2 = 1 - np.sum((y_test - prediction) ** 2) / np.sum((y_test - y_test.mean()) ** 2)
    print(f"  loss={loss:<15} test R2 {r2:.3f}")
