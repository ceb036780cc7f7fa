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


# numpy 1's scalar repr (``0.5``, not ``np.float64(0.5)``), which numpy 2 gives
# with legacy="1.25" (an option numpy 1 does not know).
_SCALAR_REPR = (
    {"legacy": "1.25"} if np.lib.NumpyVersion(np.__version__) >= "2.0.0" else {}
)


@pytest.mark.parametrize("module_name", _modules())
def test_doctests(module_name):
    module = importlib.import_module(module_name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    )
    with np.printoptions(**_SCALAR_REPR):
        for test in finder.find(module, module_name):
            test.globs = {**module.__dict__, **test.globs}
            runner.run(test)
    results = runner.summarize(verbose=False)
    assert results.failed == 0, f"{results.failed} doctest(s) failed in {module_name}"


def _documented_parameters(doc):
    """Names in a numpydoc ``Parameters`` section, in their order."""
    doc = inspect.cleandoc(doc)
    section = re.search(r"\nParameters\n-+\n(.*?)(\n\n\w[\w ]*\n-+\n|$)", doc, re.S)
    names = []
    for line in section.group(1).splitlines() if section else []:
        # "name : type", or names alone ("a, b"), at the section's indent.
        head = re.match(r"^(\*{0,2}\w+(?:, \*{0,2}\w+)*)\s*(?::|$)", line)
        if head:
            names += [name.lstrip("*") for name in head.group(1).split(", ")]
    return names


def _signature_names(function, keep_variadic=()):
    """Named parameters of ``function`` (not self; ``*args``/``**kwargs`` only
    when listed in ``keep_variadic``)."""
    return [
        name
        for name, p in inspect.signature(function).parameters.items()
        if name not in ("self", "cls")
        and (p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD) or name in keep_variadic)
    ]


def _public_api():
    """``(label, object)`` for every class and function exported by a public
    skdeep module (no component of its name starts with an underscore)."""
    seen, found = set(), []
    for module_name in _modules():
        if any(part.startswith("_") for part in module_name.split(".")):
            continue
        module = importlib.import_module(module_name)
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name)
            home = getattr(obj, "__module__", "") or ""
            if id(obj) in seen or not home.startswith("skdeep"):
                continue
            if inspect.isclass(obj) or inspect.isfunction(obj):
                seen.add(id(obj))
                found.append((f"{module_name}.{name}", obj))
    return found


@pytest.mark.parametrize("label_obj", _public_api(), ids=lambda pair: pair[0])
def test_every_parameter_is_documented_in_signature_order(label_obj):
    _, obj = label_obj
    function = obj.__init__ if inspect.isclass(obj) else obj
    documented = _documented_parameters(obj.__doc__ or "")
    assert documented == _signature_names(function, keep_variadic=documented)


def _estimator_methods():
    for name, cls in all_estimators():
        for method_name, method in inspect.getmembers(cls, inspect.isfunction):
            if method_name.startswith("_") or method_name in (
                "get_params",
                "set_params",
            ):
                continue
            if _signature_names(method):
                yield pytest.param(cls, method_name, id=f"{name}.{method_name}")


@pytest.mark.parametrize(("cls", "method_name"), _estimator_methods())
def test_estimator_methods_document_their_parameters(cls, method_name):
    method = getattr(cls, method_name)
    documented = _documented_parameters(inspect.getdoc(method) or "")
    assert documented == _signature_names(method, keep_variadic=documented)
