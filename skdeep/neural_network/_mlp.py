"""Multi-layer perceptrons: :class:`MLPClassifier` and :class:`MLPRegressor`.

Drop-in supersets of scikit-learn's classes of the same names (same
parameters, defaults, attributes and semantics) running on :mod:`skdeep.nn`,
plus dropout, batch normalisation, every activation/optimizer/schedule,
initialisers, L1, clipping, max-norm, class weights, MC-dropout uncertainty,
a training ``history_`` and :meth:`lr_find`.
"""

from __future__ import annotations

from numbers import Real

from sklearn.utils.metaestimators import available_if

from ..utils._fit_context import fit_context
from ..utils._param_validation import Interval, StrOptions
from ._base import BaseNeuralEstimator, NeuralClassifierMixin, NeuralRegressorMixin
from ._mlp_params import MLP_CONSTRAINTS, MLP_PARAMETERS_DOC, MLPNetworkMixin

__all__ = ["MLPClassifier", "MLPRegressor"]


def _stochastic_solver(estimator):
    if estimator.solver == "lbfgs":
        raise AttributeError(
            "partial_fit is only available for stochastic optimizers. lbfgs is "
            "not stochastic."
        )
    return True


_ATTRIBUTES_DOC = """
    Attributes
    ----------
    loss_ : float
        Loss (with penalties) of the last epoch / at the lbfgs solution.
    best_loss_ : float or None
        Lowest training loss; None with ``early_stopping=True``.
    loss_curve_ : list of float
        Training loss of each epoch (each lbfgs iteration).
    validation_scores_ : list of float or None
        Held-out score of each epoch when ``early_stopping=True``.
    best_validation_score_ : float or None
        Best of ``validation_scores_``.
    t_ : int
        Number of training samples seen by the stochastic solver.
    coefs_ : list of ndarray of shape (n_units_in, n_units_out)
        Weight matrices of the Dense layers (updated in place by training).
    intercepts_ : list of ndarray of shape (n_units_out,)
        Bias vectors of the Dense layers.
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Only when ``X`` has string column names.
    n_iter_ : int
        Epochs (iterations for lbfgs) run by the last ``fit``.
    n_layers_ : int
        Number of layers, input and output included.
    n_outputs_ : int
        Number of output units.
    out_activation_ : str
        Output link.
    history_ : skdeep.nn.History
        Per-epoch loss, validation loss/score, learning rate and seconds."""


class MLPClassifier(MLPNetworkMixin, NeuralClassifierMixin, BaseNeuralEstimator):
    # sklearn exposes the (fixed) loss name as an attribute, not a parameter
    loss = "log_loss"

    _parameter_constraints = {
        **MLP_CONSTRAINTS,
        "class_weight": [dict, StrOptions({"balanced"}), None],
    }

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        solver="adam",
        alpha=0.0001,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=0.001,
        power_t=0.5,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        max_fun=15000,
        learning_rate_params=None,
        weight_init=None,
        dropout=0.0,
        batch_normalization=False,
        l1=0.0,
        clipnorm=None,
        clipvalue=None,
        max_norm=None,
        mc_samples=None,
        class_weight=None,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.max_fun = max_fun
        self.learning_rate_params = learning_rate_params
        self.weight_init = weight_init
        self.dropout = dropout
        self.batch_normalization = batch_normalization
        self.l1 = l1
        self.clipnorm = clipnorm
        self.clipvalue = clipvalue
        self.max_norm = max_norm
        self.mc_samples = mc_samples
        self.class_weight = class_weight

    @fit_context
    def fit(self, X, y, sample_weight=None):
        """Fit the network to ``X`` and class labels ``y``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data (float32 input is trained in float32).
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Class labels, or a label-indicator matrix for multilabel targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights (multiplied by ``class_weight``).

        Returns
        -------
        self : MLPClassifier
        """
        return self._fit(X, y, sample_weight)

    @available_if(_stochastic_solver)
    @fit_context
    def partial_fit(self, X, y, sample_weight=None, classes=None):
        """One epoch over ``(X, y)``, continuing the previous state.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
        sample_weight : array-like of shape (n_samples,), default=None
        classes : array-like of shape (n_classes,), default=None
            Every class of the whole stream; required on the first call
            (except for multilabel ``y``), optional afterwards.

        Returns
        -------
        self : MLPClassifier
        """
        return self._fit(X, y, sample_weight, incremental=True, classes=classes)


MLPClassifier.__doc__ = (
    """Multi-layer perceptron classifier (sklearn's MLPClassifier, extended).

    Minimises the log-loss (softmax for multiclass, one sigmoid per label for
    binary and multilabel targets) with L-BFGS or a stochastic optimizer.
    Every sklearn parameter keeps its name, default and meaning; the ones after
    ``max_fun`` are skdeep extensions.

    Read more in the :ref:`User Guide <neural_network>`.

    Parameters
    ----------"""
    + MLP_PARAMETERS_DOC
    + """

    class_weight : dict, "balanced" or None, default=None
        Weights ``{class: weight}`` multiplied into ``sample_weight``;
        ``"balanced"`` uses ``n_samples / (n_classes * bincount(y))`` with
        weighted counts (per output for multilabel targets). :meth:`partial_fit`
        balances each batch on its own; pass a dict computed on a sample of
        the stream for stable weights.
"""
    + _ATTRIBUTES_DOC
    + """
    classes_ : ndarray of shape (n_classes,)
        Class labels.

    See Also
    --------
    MLPRegressor : the regression counterpart.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from skdeep.neural_network import MLPClassifier
    >>> X, y = make_classification(n_samples=100, random_state=0)
    >>> clf = MLPClassifier(hidden_layer_sizes=(16,), solver="lbfgs",
    ...                     random_state=0).fit(X, y)
    >>> clf.predict_proba(X[:2]).shape
    (2, 2)
    >>> clf.score(X, y) > 0.9
    True
    """
)


class MLPRegressor(MLPNetworkMixin, NeuralRegressorMixin, BaseNeuralEstimator):
    _parameter_constraints = {
        **MLP_CONSTRAINTS,
        "loss": [StrOptions({"squared_error", "absolute_error", "huber", "poisson"})],
        "huber_delta": [Interval(Real, 0, None, closed="neither")],
    }

    def __init__(
        self,
        loss="squared_error",
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        solver="adam",
        alpha=0.0001,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=0.001,
        power_t=0.5,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        max_fun=15000,
        learning_rate_params=None,
        weight_init=None,
        dropout=0.0,
        batch_normalization=False,
        l1=0.0,
        clipnorm=None,
        clipvalue=None,
        max_norm=None,
        mc_samples=None,
        huber_delta=1.0,
    ):
        self.loss = loss
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.max_fun = max_fun
        self.learning_rate_params = learning_rate_params
        self.weight_init = weight_init
        self.dropout = dropout
        self.batch_normalization = batch_normalization
        self.l1 = l1
        self.clipnorm = clipnorm
        self.clipvalue = clipvalue
        self.max_norm = max_norm
        self.mc_samples = mc_samples
        self.huber_delta = huber_delta

    @fit_context
    def fit(self, X, y, sample_weight=None):
        """Fit the network to ``X`` and real targets ``y``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data (float32 input is trained in float32).
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets (non-negative for ``loss="poisson"``).
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        self : MLPRegressor
        """
        return self._fit(X, y, sample_weight)

    @available_if(_stochastic_solver)
    @fit_context
    def partial_fit(self, X, y, sample_weight=None):
        """One epoch over ``(X, y)``, continuing the previous state.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        self : MLPRegressor
        """
        return self._fit(X, y, sample_weight, incremental=True)


MLPRegressor.__doc__ = (
    """Multi-layer perceptron regressor (sklearn's MLPRegressor, extended).

    Minimises the chosen loss with L-BFGS or a stochastic optimizer; several
    outputs are fitted jointly. Every sklearn parameter keeps its name, default
    and meaning; ``huber_delta`` and the parameters after ``max_fun`` are
    skdeep extensions.

    Read more in the :ref:`User Guide <neural_network>`.

    Parameters
    ----------
    loss : {"squared_error", "absolute_error", "huber", "poisson"}, \
default="squared_error"
        Half squared error (sklearn's), mean absolute error, Huber (quadratic
        within ``huber_delta``, robust to outliers) or half Poisson deviance
        with a log link (``y >= 0``, as sklearn).  With several outputs the
        squared error is trained as scikit-learn trains it: ``loss_`` averages
        over the outputs, the gradient sums over them (scikit-learn issue
        #8349), so ``alpha`` and the SGD steps mean the same as there.
"""
    + MLP_PARAMETERS_DOC
    + """

    huber_delta : float, default=1.0
        Residual size where the Huber loss turns from quadratic to linear.
"""
    + _ATTRIBUTES_DOC
    + """

    See Also
    --------
    MLPClassifier : the classification counterpart.

    Examples
    --------
    >>> from sklearn.datasets import make_regression
    >>> from skdeep.neural_network import MLPRegressor
    >>> X, y = make_regression(n_samples=100, n_features=4, random_state=0)
    >>> reg = MLPRegressor(hidden_layer_sizes=(16,), solver="lbfgs",
    ...                    max_iter=500, random_state=0).fit(X, y)
    >>> reg.predict(X[:3]).shape
    (3,)
    >>> reg.score(X, y) > 0.9
    True
    """
)
