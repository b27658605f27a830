"""Message texts: a batch renders exactly what one-by-one rendering gives, in the chosen language."""
from qalqan.notify.messages import render, render_many

NOTICE = {"event": 7, "clinic": "Емхана", "service": "KDU-001", "date": "2026-01-05", "amount": "5 000,00 ₸",
          "deadline": "2026-01-15", "link": "https://qalqan.kz/kk/citizen/events/7/"}


def test_a_batch_renders_as_one_by_one_in_each_language():
    contexts = [dict(NOTICE, event=n, clinic=f"Clinic {n} 100%") for n in range(3)]
    for language in ("kk", "ru", "en"):
        assert render_many("claim_reported", contexts, language) == [
            render("claim_reported", c, language) for c in contexts]
    assert "https://qalqan.kz/kk/citizen/events/7/" in render_many("claim_reported", [NOTICE])[0]
    assert render_many("claim_reported", [NOTICE], "ru")[0] != render_many("claim_reported", [NOTICE], "en")[0]


def test_a_batch_with_a_missing_field_or_an_unknown_kind_falls_back_like_render():
    broken = {"clinic": "X"}
    assert render_many("claim_reported", [broken]) == [render("claim_reported", broken)]
    assert render_many("no_such_kind", [{"a": 1}]) == ["no_such_kind: {'a': 1}"]
    assert render_many("claim_reported", []) == []
