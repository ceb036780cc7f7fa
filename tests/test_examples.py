"""Run the example scripts of ``examples/`` as a user would.

Each script runs in its own Python process with the non-interactive ``Agg``
matplotlib backend, inside a temporary working directory (the scripts save
their figures to the current directory).  Only the scripts that finish in a
few seconds run here; the slower ones are listed in ``SLOW_EXAMPLES`` with the
reason, and a test makes sure every script is in exactly one of the two lists,
so a new example cannot be left out unnoticed.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES_DIR = Path(__file__).resolve().parents[1] / "examples"

# CPU seconds (user + sys) measured on the 2-core CI machine, including about
# 2 s of interpreter start-up and imports each: 37 s for all of them together.
FAST_EXAMPLES = [
    "adaboost_staged_error.py",  # 5.0 s
    "ensemble_oob_vs_test.py",  # 4.7 s
    "gradient_boosting_staged.py",  # 5.3 s
    "mlp_regressor_diabetes.py",  # 3.1 s
    "nn_custom_network.py",  # 2.1 s
    "perceptron.py",  # 2.5 s
    "plot_activations.py",  # 3.3 s
    "plot_cluster_kmeans_select_k.py",  # 2.6 s
    "plot_dbscan_predict.py",  # 2.4 s
    "plot_optimizers.py",  # 3.2 s
    "plot_pca_digits.py",  # 2.6 s
]

# Scripts that run correctly but take too long for the test-suite budget;
# run them by hand (``python examples/<name>``).
SLOW_EXAMPLES = {
    "mlp_classifier_digits.py": "49 s: 60 epochs of a 512-unit network with dropout",
    "mc_dropout_uncertainty.py": "18 s: 200 epochs and many stochastic passes",
    "lr_find.py": "11 s: a learning-rate sweep plus three 10-epoch fits",
}


def test_every_example_is_listed_once():
    scripts = sorted(path.name for path in EXAMPLES_DIR.glob("*.py"))
    listed = sorted(FAST_EXAMPLES + list(SLOW_EXAMPLES))
    assert listed == scripts


@pytest.mark.parametrize("script", FAST_EXAMPLES)
def test_example_runs(script, tmp_path):
    env = dict(os.environ, MPLBACKEND="Agg")
    result = subprocess.run(
        [sys.executable, str(EXAMPLES_DIR / script)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, (
        f"{script} exited with {result.returncode}:\n{result.stderr[-3000:]}"
    )
    # Every example reports its result on stdout (plots are optional).
    assert result.stdout.strip(), f"{script} printed nothing"
