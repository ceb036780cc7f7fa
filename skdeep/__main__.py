"""``python -m skdeep``: a tour of every estimator on bundled data."""

from skdeep._tour import run_tour

if __name__ == "__main__":
    print("skdeep tour: each estimator in a StandardScaler pipeline, 25% test split")
    run_tour()
