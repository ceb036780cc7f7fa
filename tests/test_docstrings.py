"""Run the doctest ``Examples`` of every skdeep module (they are documentation
users copy, so they must run and print what they claim)."""

import doctest
import importlib
import pkgutil

import numpy as np
import pytest

import skdeep


def _modules():
    names = []
    for info in pkgutil.walk_packages(skdeep.__path__, prefix="skdeep."):
        if info.name.endswith("__main__"):
            continue
        names.append(info.name)
    return sorted(names)


@pytest.mark.parametrize("module_name", _modules())
def test_doctests(module_name):
    module = importlib.import_module(module_name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    )
    with np.printoptions(legacy="1.25"):
        for test in finder.find(module, module_name):
            test.globs = {**module.__dict__, **test.globs}
            runner.run(test)
    results = runner.summarize(verbose=False)
    assert results.failed == 0, f"{results.failed} doctest(s) failed in {module_name}"
