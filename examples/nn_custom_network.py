"""Build and train a custom network with the skdeep.nn backend directly.

A Dense -> BatchNorm -> ReLU -> Dropout -> Dense network on the digits data,
trained by :func:`skdeep.nn.train` with Adam, gradient clipping, a 1cycle
learning-rate schedule and early stopping on a validation split. No estimator
is involved: this is what ``MLPClassifier`` does under the hood.
"""

import numpy as np
from sklearn.datasets import load_digits
from sklearn.metrics import accuracy_score
from sklearn.model_selection import train_test_split

from skdeep import nn

X, y = load_digits(return_X_y=True)
X = (X / 16.0).astype(np.float32)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
X_fit, X_val, y_fit, y_val = train_test_split(X_train, y_train, random_state=0)
rng = np.random.default_rng(0)

network = nn.Sequential(
    [
        nn.Dense(128, kernel_initializer="he_normal"),
        nn.BatchNormalization(),
        nn.Activation("relu"),
        nn.Dropout(0.2),
        nn.Dense(10),  # raw scores: the loss owns the softmax
    ]
)
network.build(input_shape=(64,), rng=rng, dtype=np.float32)
loss = nn.CategoricalCrossEntropy()


def accuracy(y_true, raw, sample_weight):
    return accuracy_score(y_true, raw.argmax(axis=1), sample_weight=sample_weight)


history = nn.train(
    network,
    loss,
    nn.Adam(learning_rate=1e-3, l2=1e-4, clipnorm=5.0),
    X_fit,
    y_fit,
    batch_size=64,
    max_epochs=30,
    rng=rng,
    schedule=nn.OneCycle(max_learning_rate=1e-2, total_epochs=30),
    early_stopping=nn.EarlyStopping("val_score", patience=8),
    validation=(X_val, y_val, None),
    validation_scorer=accuracy,
    verbose=1,
)

proba = loss.link(network.forward(X_test))
print(f"epochs run: {history.n_epochs}, best epoch: {history.best_epoch + 1}")
print(f"best validation accuracy: {history.best_val_score:.3f}")
print(f"test accuracy: {accuracy_score(y_test, proba.argmax(axis=1)):.3f}")
