"""Docstrings of the gradient-boosting methods that take ``X`` alone."""

from __future__ import annotations

_TEMPLATE = """{summary}

Parameters
----------
X : {{array-like, sparse matrix}} of shape (n_samples, n_features)
    Input samples (sparse input is densified).

{section}
{underline}
{returns}
"""

_LABELS = "y : ndarray of shape (n_samples,)\n    Predicted class labels."
_TARGETS = "y : ndarray of shape (n_samples,)\n    Predicted targets."
_PROBA = (
    "p : ndarray of shape (n_samples, n_classes)\n"
    "    One column per class, in the order of ``classes_``."
)

# name -> (summary, returns, whether the method is a generator)
_METHODS = {
    "staged_decision_function": (
        "Raw scores after each stage.",
        "score : ndarray of shape (n_samples, K)\n"
        "    K is 1 for binary problems, else the number of classes.",
        True,
    ),
    "classifier.predict": ("Predicted class labels.", _LABELS, False),
    "classifier.staged_predict": ("Class labels after each stage.", _LABELS, True),
    "predict_proba": ("Class probabilities.", _PROBA, False),
    "predict_log_proba": ("Logarithm of the class probabilities.", _PROBA, False),
    "staged_predict_proba": ("Class probabilities after each stage.", _PROBA, True),
    "regressor.predict": ("Predicted targets.", _TARGETS, False),
    "regressor.staged_predict": ("Predicted targets after each stage.", _TARGETS, True),
    "regressor.apply": (
        "Leaf index of every sample in every tree.",
        "X_leaves : ndarray of shape (n_samples, n_estimators_)\n"
        "    Node index (in that tree's arrays) of the leaf each sample reaches.",
        False,
    ),
}


def x_method_doc(name):
    """Decorator giving the method ``name`` of ``_METHODS`` its numpydoc docstring."""
    summary, returns, generator = _METHODS[name]
    section = "Yields" if generator else "Returns"

    def decorate(method):
        method.__doc__ = _TEMPLATE.format(
            summary=summary,
            section=section,
            underline="-" * len(section),
            returns=returns,
        )
        return method

    return decorate
