"""Gates for tests that compare with scikit-learn behaviour of a given release.

skdeep follows the newest scikit-learn's semantics whatever version is
installed (``scikit-learn>=1.6``).  Where a later release changed what a
test compares against (a fix, another sampling stream, a new loss), the
comparison is skipped on older releases, with the reason.
"""

import pytest
import sklearn
from sklearn.utils.fixes import parse_version

SKLEARN_VERSION = parse_version(parse_version(sklearn.__version__).base_version)


def since_sklearn(version, change):
    """A ``skipif`` mark: skip below scikit-learn ``version``, where ``change``."""
    return pytest.mark.skipif(
        SKLEARN_VERSION < parse_version(version),
        reason=(
            f"compares with scikit-learn >= {version}, where {change}; "
            f"{sklearn.__version__} is installed"
        ),
    )
