"""Run the doctest ``Examples`` of every skdeep module (they are documentation
users copy, so they must run and print what they claim)."""

import doctest
import importlib
import inspect
import pkgutil
import re

import numpy as np
import pytest

import skdeep
from skdeep.utils.discovery import all_estimators


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


def _documented_parameters(doc):
    """Names in a numpydoc ``Parameters`` section, in their order."""
    section = re.search(r"\n\s*Parameters\n\s*-+\n(.*?)(\n\s*\n\s*\w[\w ]*\n\s*-+\n|$)",
                        doc, re.S)  # fmt: skip
    names = []
    for line in section.group(1).splitlines():
        head = re.match(r"^ {4}(\*{0,2}\w+(?:, \*{0,2}\w+)*)\s*:", line)
        if head:
            names += [name.lstrip("*") for name in head.group(1).split(", ")]
    return names


@pytest.mark.parametrize("name_cls", all_estimators(), ids=lambda nc: nc[0])
def test_every_parameter_is_documented_in_signature_order(name_cls):
    _, cls = name_cls
    signature = [
        name
        for name, p in inspect.signature(cls.__init__).parameters.items()
        if name != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    ]
    assert _documented_parameters(cls.__doc__) == signature
