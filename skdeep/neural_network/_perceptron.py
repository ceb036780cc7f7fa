"""The perceptron: one layer of threshold units trained by the perceptron rule.

scikit-learn's ``Perceptron`` is stochastic gradient descent on the perceptron
loss ``max(0, -y (w @ x + b))`` with one update per sample (compiled code).
skdeep reproduces those per-sample semantics exactly (same weights up to
rounding for the same visiting order; only an L1 penalty is applied per
window) with the vectorised kernel of :mod:`._perceptron_kernel`.

Why a kernel of its own rather than :func:`skdeep.nn.train`: with
``batch_size=1`` that generic mini-batch loop would reproduce the perceptron
at the cost of a Python iteration per sample; the kernel exploits what is
special about the perceptron rule (updates only on mistakes, decisions between
mistakes are one matrix product), so it *is* the perceptron rule, not a second
generic loop.  ``batch_size > 1`` (a superset parameter) trains the same
Dense layer with :class:`skdeep.nn.PerceptronLoss` and :class:`skdeep.nn.SGD`
through :func:`skdeep.nn.train` (see :mod:`._perceptron_minibatch`)."""

from __future__ import annotations

import functools
import warnings
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state, compute_class_weight
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import validate_data
from threadpoolctl import ThreadpoolController

from ..utils import Interval, StrOptions, fit_context
from ..utils.validation import check_sample_weight
from ._linear_output import LinearClassifierOutputMixin
from ._perceptron_order import epoch_shuffler
from ._perceptron_setup import (
    check_partial_fit_classes,
    initial_parameters,
    make_problems,
    training_settings,
    validation_split,
)

__all__ = ["Perceptron"]


@functools.cache
def _blas_controller():
    # Inspecting the loaded libraries is slow (milliseconds): do it once.
    return ThreadpoolController()


class Perceptron(LinearClassifierOutputMixin, ClassifierMixin, BaseEstimator):
    """Linear perceptron classifier: threshold units trained by the perceptron rule.

    Each class gets a linear unit ``w @ x + b`` (one unit for two classes); the
    units are trained one-vs-all by the perceptron rule: visiting the samples
    one at a time, a misclassified sample (``y (w @ x + b) <= 0``, ``y`` in
    {-1, +1}) adds ``eta0 * y * x`` to ``w`` and ``eta0 * y`` to ``b``.  This is
    stochastic gradient descent on the perceptron loss ``max(0, -y (w @ x + b))``
    with a constant learning rate, exactly scikit-learn's ``Perceptron``
    (same parameters, defaults, attributes and stopping rule).  The per-sample
    rule runs in a vectorised exact kernel; ``batch_size > 1`` switches to
    mini-batch training on the shared :mod:`skdeep.nn` backend.

    Read more in the :ref:`User Guide <perceptron>`.

    Parameters
    ----------
    penalty : {'l2', 'l1', 'elasticnet'}, default=None
        Regularisation: none, L2 (weights shrink by ``1 - eta0 * alpha`` per
        sample), L1 (cumulative truncated gradient, applied after every window
        of at most 64 samples: close to scikit-learn's per-sample rule, not
        equal) or a mix (``l1_ratio``).
    alpha : float, default=0.0001
        Strength of the penalty.
    l1_ratio : float, default=0.15
        Share of L1 in the elastic-net penalty (``0`` is L2, ``1`` is L1);
        only used with ``penalty='elasticnet'``.
    fit_intercept : bool, default=True
        Whether to learn the biases ``intercept_``.
    max_iter : int, default=1000
        Maximum number of epochs (passes over the data) of :meth:`fit`;
        :meth:`partial_fit` always runs one.
    tol : float or None, default=1e-3
        Training stops when an epoch's summed loss has not decreased by at
        least ``tol * n_samples`` below the best loss for ``n_iter_no_change``
        epochs in a row (with ``early_stopping``: the validation accuracy has
        not improved by ``tol``).  ``None`` always runs ``max_iter`` epochs.
    shuffle : bool, default=True
        Shuffle the training samples before every epoch, in scikit-learn's
        own order for the same ``random_state``: with two classes the fitted
        model is scikit-learn's.  One-vs-all problems share the order
        scikit-learn gives the first of them (per ``n_jobs`` group).
    verbose : int, default=0
        Print a progress report per epoch when positive.
    eta0 : float, default=1.0
        Learning rate: the size of each update.
    n_jobs : int, default=None
        Number of threads over which the one-vs-all problems are split.
        ``None`` means 1 unless in a :func:`joblib.parallel_backend` context.
    random_state : int, RandomState instance or None, default=0
        Seeds the shuffling and the validation split.
    early_stopping : bool, default=False
        Hold out a stratified ``validation_fraction`` of the data and stop when
        the validation accuracy stops improving (see ``tol``).
    validation_fraction : float, default=0.1
        Share of the training data held out with ``early_stopping``.
    n_iter_no_change : int, default=5
        Number of epochs without improvement before stopping.
    class_weight : dict, 'balanced' or None, default=None
        Weights of the classes (multiplying their samples' updates);
        ``'balanced'`` uses ``n_samples / (n_classes * np.bincount(y))``.
    warm_start : bool, default=False
        Start :meth:`fit` from the previous solution instead of zeros.
    batch_size : int, default=1
        skdeep extension.  ``1`` is the classic per-sample rule (exact
        scikit-learn semantics).  Larger values train mini-batches through
        :func:`skdeep.nn.train`: each step moves the weights by ``eta0`` times
        the batch-mean perceptron-loss gradient (plus the penalty gradient).

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    coef_ : ndarray of shape (1, n_features) or (n_classes, n_features)
        Weights of the units (one row for two classes).
    intercept_ : ndarray of shape (1,) or (n_classes,)
        Biases of the units.
    n_features_in_ : int
        Number of features seen during :term:`fit`.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of the features seen during :term:`fit`, when ``X`` has string
        column names.
    n_iter_ : int
        Epochs run (the maximum over the one-vs-all problems).
    t_ : float
        Number of weight updates performed, ``n_iter_ * n_samples + 1``.

    See Also
    --------
    skdeep.neural_network.MLPClassifier : Multi-layer network trained by
        backpropagation.

    Notes
    -----
    On linearly separable data the perceptron converges after a finite number
    of mistakes (Novikoff's theorem); otherwise the weights keep moving and the
    stopping rule ends training.  The L1 part of ``'l1'``/``'elasticnet'``
    penalties is applied every few dozen samples instead of after every sample
    (the L2 part and the updates stay exact).

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from skdeep.neural_network import Perceptron
    >>> X, y = load_digits(return_X_y=True)
    >>> clf = Perceptron(random_state=0).fit(X, y)
    >>> clf.coef_.shape
    (10, 64)
    >>> bool(clf.score(X, y) > 0.9)
    True
    """

    _parameter_constraints: dict = {
        "penalty": [StrOptions({"l2", "l1", "elasticnet"}), None],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "l1_ratio": [Interval(Real, 0, 1, closed="both")],
        "fit_intercept": ["boolean"],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left"), None],
        "shuffle": ["boolean"],
        "verbose": ["verbose"],
        "eta0": [Interval(Real, 0, None, closed="neither")],
        "n_jobs": [Integral, None],
        "random_state": ["random_state"],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "class_weight": [StrOptions({"balanced"}), dict, None],
        "warm_start": ["boolean"],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
    }

    def __init__(
        self,
        *,
        penalty=None,
        alpha=0.0001,
        l1_ratio=0.15,
        fit_intercept=True,
        max_iter=1000,
        tol=1e-3,
        shuffle=True,
        verbose=0,
        eta0=1.0,
        n_jobs=None,
        random_state=0,
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=5,
        class_weight=None,
        warm_start=False,
        batch_size=1,
    ):
        self.penalty = penalty
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.tol = tol
        self.shuffle = shuffle
        self.verbose = verbose
        self.eta0 = eta0
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.class_weight = class_weight
        self.warm_start = warm_start
        self.batch_size = batch_size

    @fit_context
    def fit(self, X, y, coef_init=None, intercept_init=None, sample_weight=None):
        """Fit the perceptron with ``max_iter`` epochs at most.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data (CSR is used as is).
        y : array-like of shape (n_samples,)
            Class labels.
        coef_init : ndarray of shape (n_classes, n_features), default=None
            Initial weights (``(1, n_features)`` or ``(n_features,)`` for two
            classes).
        intercept_init : ndarray of shape (n_classes,), default=None
            Initial intercepts (``(1,)`` for two classes).
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights; they multiply each sample's update (and the
            ``class_weight`` of its class).

        Returns
        -------
        self : Perceptron
            The fitted estimator.
        """
        y = validate_data(self, y=y)
        classes = np.unique(y)
        if self.warm_start and hasattr(self, "coef_"):
            coef_init = self.coef_ if coef_init is None else coef_init
            intercept_init = (
                self.intercept_ if intercept_init is None else intercept_init
            )
            if sp.issparse(coef_init):
                coef_init = coef_init.toarray()
        self._fit_data(
            X,
            y,
            classes,
            sample_weight,
            coef_init,
            intercept_init,
            max_iter=self.max_iter,
            first_call=True,
            t_start=1.0,
        )
        if self.tol is not None and self.n_iter_ == self.max_iter:
            warnings.warn(
                "Maximum number of iteration reached before convergence. "
                "Consider increasing max_iter to improve the fit.",
                ConvergenceWarning,
                stacklevel=3,  # the caller of fit (past the fit_context wrapper)
            )
        return self

    @fit_context
    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """Run one epoch over ``X`` and ``y``, continuing the current model.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            A chunk of the training data.
        y : array-like of shape (n_samples,)
            Its labels; every label must be in ``classes``.
        classes : array-like of shape (n_classes,), default=None
            All the classes of the problem; required on the first call and, if
            given later, equal to ``classes_``.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights.

        Returns
        -------
        self : Perceptron
            The updated estimator.
        """
        first_call = not hasattr(self, "classes_")
        classes = check_partial_fit_classes(self, classes, first_call)
        return self._fit_data(
            X,
            y,
            classes,
            sample_weight,
            None,
            None,
            max_iter=1,
            first_call=first_call,
            t_start=getattr(self, "t_", 1.0),
        )

    def _fit_data(
        self,
        X,
        y,
        classes,
        sample_weight,
        coef_init,
        intercept_init,
        *,
        max_iter,
        first_call,
        t_start,
    ):
        """Validate, train into locals, then set every fitted attribute at once."""
        X, y = self._check_fit_data(X, y, classes, first_call)
        sample_weight = check_sample_weight(
            sample_weight, X, dtype=X.dtype, allow_all_zero=self.early_stopping
        )
        class_weight = compute_class_weight(self.class_weight, classes=classes, y=y)
        if coef_init is None and not first_call:
            coef_init, intercept_init = self.coef_, self.intercept_
            if sp.issparse(coef_init):
                coef_init = coef_init.toarray()
        coef, intercept = initial_parameters(
            classes.shape[0], X.shape[1], X.dtype, coef_init, intercept_init
        )
        rng = check_random_state(self.random_state)
        val_idx = validation_split(self, y, sample_weight)
        problems = make_problems(
            y, classes, class_weight, sample_weight, self.eta0, val_idx
        )
        n_iter = self._train(X, problems, coef, intercept, max_iter, rng)
        self.classes_ = classes
        self.coef_ = coef
        self.intercept_ = intercept
        self.n_iter_ = int(n_iter)
        self.t_ = t_start + self.n_iter_ * X.shape[0]
        return self

    def _check_fit_data(self, X, y, classes, first_call):
        """Validated ``X`` (canonical CSR when sparse) and ``y`` against ``classes``."""
        X, y = validate_data(
            self,
            X,
            y,
            accept_sparse="csr",
            dtype=[np.float64, np.float32],
            order="C",
            accept_large_sparse=False,
            reset=first_call,
        )
        check_classification_targets(y)
        if sp.issparse(X) and not X.has_canonical_format:
            X = X.copy()  # the kernel reads CSR rows directly
            X.sum_duplicates()
        if not first_call and np.setdiff1d(y, classes).size:
            raise ValueError(
                f"y contains labels {np.setdiff1d(y, classes)!r} that are not in "
                f"classes_={classes!r}; pass every class on the first call."
            )
        if classes.shape[0] < 2:
            raise ValueError(
                "The number of classes has to be greater than one; got "
                f"{classes.shape[0]} class"
            )
        return X, y

    def _train(self, X, problems, coef, intercept, max_iter, rng):
        """Train ``coef``/``intercept`` in place; return the epochs run."""
        settings = training_settings(self, max_iter, sparse_input=sp.issparse(X))
        sklearn_order = self.batch_size == 1 and self.shuffle
        generator = epoch_shuffler(rng, X.shape[0], sklearn_order, coef.shape[0])
        if self.batch_size > 1:
            from ._perceptron_minibatch import train_minibatch

            return train_minibatch(X, problems, coef, intercept, settings, generator)
        from ._perceptron_fit import train_problems

        # The kernel multiplies many small matrices; BLAS threads only add
        # synchronisation overhead there (and thrash on a busy machine).
        with (
            _blas_controller().limit(limits=1, user_api="blas"),
            np.errstate(over="ignore", invalid="ignore"),
        ):
            n_iter = train_problems(
                X, problems, coef, intercept, settings, generator, n_jobs=self.n_jobs
            )
        return n_iter.max()
