"""``set_output`` on every skdeep estimator that has ``transform``.

scikit-learn's ``Pipeline.set_output`` configures every step that can
transform and refuses a step with ``transform`` but no ``set_output``.  Several
skdeep estimators add ``transform`` to classes whose scikit-learn namesakes
have none (the MLPs, gradient boosting, the ensembles), so without
``set_output`` a pipeline ending in one of them could not be configured,
while the same pipeline with scikit-learn's class can.
"""

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdeep.utils.discovery import all_estimators

pd = pytest.importorskip("pandas")

_SMALL = {
    "MLPClassifier": {"hidden_layer_sizes": (4, 3), "max_iter": 5},
    "MLPRegressor": {"hidden_layer_sizes": (4,), "max_iter": 5},
    "GradientBoostingClassifier": {"n_estimators": 3},
    "GradientBoostingRegressor": {"n_estimators": 3},
    "BaggingClassifier": {"n_estimators": 3},
    "BaggingRegressor": {"n_estimators": 3},
    "AdaBoostClassifier": {"n_estimators": 3},
    "AdaBoostRegressor": {"n_estimators": 3},
}


def _transformers():
    return [
        pytest.param(cls, id=name)
        for name, cls in all_estimators()
        if hasattr(cls, "transform")
    ]


def _data():
    X, y = make_classification(60, 5, n_informative=3, random_state=0)
    return pd.DataFrame(X, columns=[f"f{i}" for i in range(5)]), y


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("cls", _transformers())
def test_pipeline_ending_in_the_estimator_accepts_set_output(cls):
    X, y = _data()
    estimator = cls(**_SMALL.get(cls.__name__, {}))
    pipe = make_pipeline(StandardScaler(), estimator).set_output(transform="pandas")
    pipe.fit(X, y)
    if hasattr(estimator, "predict"):  # not affected by the configuration
        assert isinstance(pipe.predict(X), np.ndarray)
    out = pipe.transform(X)
    assert isinstance(out, pd.DataFrame)
    assert list(out.columns) == list(pipe[-1].get_feature_names_out())
    assert out.index.equals(X.index)
    plain = estimator.set_output(transform="default").transform(pipe[0].transform(X))
    assert isinstance(plain, np.ndarray)
    np.testing.assert_allclose(out.to_numpy(), plain)
