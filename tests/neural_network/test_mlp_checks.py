"""scikit-learn's estimator checks on non-default MLP configurations."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from skdeep.neural_network import MLPClassifier, MLPRegressor

_REGULARISED = dict(
    hidden_layer_sizes=(16, 8),
    dropout=0.2,
    batch_normalization=True,
    solver="nadam",
    max_iter=30,
    learning_rate_init=0.01,
)
_EXOTIC = dict(
    hidden_layer_sizes=(12,),
    activation="gelu",
    weight_init="auto",
    learning_rate="1cycle",
    learning_rate_init=0.02,
    l1=1e-3,
    clipnorm=1.0,
    max_norm=3.0,
    max_iter=30,
)

ESTIMATORS = [
    MLPClassifier(**_REGULARISED),
    MLPRegressor(loss="huber", **_EXOTIC),
    MLPClassifier(
        hidden_layer_sizes=(),
        class_weight="balanced",
        solver="rmsprop",
        learning_rate_init=0.05,
        max_iter=40,
    ),
]

_STOCHASTIC_BATCHES = (
    "Dropout masks and batch-norm statistics are drawn per mini-batch, so a "
    "weighted sample and its repetitions see different masks/statistics: the "
    "fits are equivalent in expectation only."
)
_EXPECTED_FAILED = {
    "check_sample_weight_equivalence_on_dense_data": _STOCHASTIC_BATCHES,
    "check_sample_weight_equivalence_on_sparse_data": _STOCHASTIC_BATCHES,
}


def _expected_failed(estimator):
    regularised = estimator.dropout or estimator.batch_normalization
    return _EXPECTED_FAILED if regularised else {}


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=_expected_failed)
def test_non_default_configurations_pass_sklearn_checks(estimator, check):
    check(estimator)
