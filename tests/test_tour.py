import io

import skdeep
from skdeep._tour import _entries, run_tour


def test_tour_covers_every_exported_estimator():
    from skdeep.utils.discovery import all_estimators

    toured = {e.name for e in _entries()}
    assert {name for name, _ in all_estimators()} <= toured


def test_tour_prints_a_table_with_every_entry():
    stream = io.StringIO()
    rows = run_tour(stream)
    text = stream.getvalue()
    assert "test score" in text and "fit seconds" in text
    assert len(rows) == len(_entries())
    floors = {e.name: e.min_score for e in _entries()}
    for name, _, _, score, seconds in rows:
        assert name in skdeep.__all__
        assert seconds >= 0
        assert score >= floors[name], f"{name} scored {score:.3f} in the tour"
