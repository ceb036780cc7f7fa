"""Sphinx configuration for skdeep's documentation.

Build with ``python -m sphinx -b html doc doc/_build/html``.  The build works
offline: cross-references to the Python, NumPy and scikit-learn documentation
(intersphinx) are only fetched when ``SKDEEP_DOCS_INTERSPHINX=1`` is set,
because fetching their inventories without a network prints one warning per
inventory.
"""

import os
import re
import sys

sys.path.insert(0, os.path.abspath(".."))

import skdeep  # noqa: E402

project = "skdeep"
author = "The skdeep developers"
copyright = "2026, The skdeep developers"
release = skdeep.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
]
templates_path = ["_templates"]
exclude_patterns = ["_build"]
html_theme = "alabaster"

# benchmarks.rst links to the measured figures; publish them next to it.
_RESULTS = os.path.join(os.path.dirname(__file__), "..", "benchmarks", "RESULTS.md")
html_extra_path = [_RESULTS] if os.path.exists(_RESULTS) else []

# One page per public object, generated from the autosummary tables of
# api.rst into doc/generated/ (ignored by git: rebuilt on every build).
autosummary_generate = True
autosummary_imported_members = False
# numpydoc would list every member a second time in a table of its own.
numpydoc_show_class_members = False

if os.environ.get("SKDEEP_DOCS_INTERSPHINX") == "1":
    extensions.append("sphinx.ext.intersphinx")
    intersphinx_mapping = {
        "python": ("https://docs.python.org/3", None),
        "numpy": ("https://numpy.org/doc/stable", None),
        "scipy": ("https://docs.scipy.org/doc/scipy", None),
        "sklearn": ("https://scikit-learn.org/stable", None),
    }

# In reST a word ending in "_" is a hyperlink reference, so the fitted
# attribute names that docstrings use in shapes, e.g.
# "ndarray of shape (n_features_in_,)", would be reported as unknown link
# targets.  Escape the trailing underscore inside "shape (...)" groups after
# numpydoc has rendered the docstring; doctest lines are left alone.
_SHAPE = re.compile(r"shape \(([^()]*)\)")
_TRAILING_UNDERSCORE = re.compile(r"\b([A-Za-z]\w*)_(?=[,)\s]|$)")


def _escape_shape(match):
    inner = _TRAILING_UNDERSCORE.sub(r"\1\\_", match.group(1))
    return f"shape ({inner})"


def _escape_line(line):
    if line.lstrip().startswith((">>>", "...")):
        return line
    pieces = []
    position = 0
    for match in _SHAPE.finditer(line):
        inside_literal = line[: match.start()].count("`") % 2 == 1
        pieces.append(line[position : match.start()])
        pieces.append(match.group(0) if inside_literal else _escape_shape(match))
        position = match.end()
    pieces.append(line[position:])
    return "".join(pieces)


def _escape_attribute_names(app, what, name, obj, options, lines):
    lines[:] = [_escape_line(line) for line in lines]


# Docstrings inherited from scikit-learn (score, set_output, the metadata
# routing methods) point into scikit-learn's own documentation.  Without
# intersphinx those labels and glossary terms do not exist here, so send them
# to the matching page of scikit-learn's website instead of leaving them
# dangling.
_SKLEARN_DOCS = "https://scikit-learn.org/stable/"
_SKLEARN_TARGETS = {
    ("ref", "metadata_routing"): "metadata_routing.html",
    ("ref", "accuracy_score"): "modules/model_evaluation.html#accuracy-score",
    ("ref", "r2_score"): "modules/model_evaluation.html#r2-score",
    ("ref", "df_output_transform"): "auto_examples/miscellaneous/plot_set_output.html",
    (
        "ref",
        "sphx_glr_auto_examples_miscellaneous_plot_set_output.py",
    ): "auto_examples/miscellaneous/plot_set_output.html",
    ("term", "meta-estimator"): "glossary.html#term-meta-estimator",
    ("term", "fit"): "glossary.html#term-fit",
}


def _link_sklearn_targets(app, env, node, contnode):
    from docutils import nodes

    key = (node.get("reftype"), node.get("reftarget", "").lower())
    page = _SKLEARN_TARGETS.get(key)
    if node.get("refdomain") != "std" or page is None:
        return None
    reference = nodes.reference("", "", internal=False, refuri=_SKLEARN_DOCS + page)
    reference += contnode
    return reference


def setup(app):
    app.connect("missing-reference", _link_sklearn_targets, priority=900)
    # numpydoc rewrites docstrings at the default priority (500); run after it.
    app.connect("autodoc-process-docstring", _escape_attribute_names, priority=900)
