"""Strict rendering: a missing field fails naming the template and the field."""

import pytest

from adapters.rendering import TemplateFieldError, render_digest, render_text


def test_a_missing_field_is_named_with_its_template():
    with pytest.raises(TemplateFieldError) as exc:
        render_text("email/reminder.vi.txt.j2", recipient_name="A")
    assert "template email/reminder.vi.txt.j2: 'programme' is undefined" in str(exc.value)


def test_html_templates_escape_what_they_insert():
    html = render_text(
        "email/reminder.vi.html.j2",
        recipient_name="<script>x</script>",
        items_due=0,
        items_late=0,
        programme={"code": "C", "title": "T & U", "legal_basis": "L"},
        day_text="d",
        items=[],
        escalations=[],
        coordinator={
            "agency": "A",
            "email": "c@d.example",
            "office": None,
            "contact": None,
            "phone": None,
        },
    )
    assert "&lt;script&gt;" in html and "<script>x" not in html and "T &amp; U" in html


def test_english_digests_sit_beside_the_vietnamese():
    from datetime import date

    entries = [
        {
            "unit": "U1",
            "unit_name": "Unit one",
            "phase_en": "Training",
            "due": date(2023, 3, 24),
            "days_left": 10,
            "days_late": 0,
            "expected_en": ["attendance"],
            "note": None,
        },
        {
            "unit": "U1",
            "unit_name": "Unit one",
            "phase_en": "Survey",
            "due": date(2023, 3, 3),
            "days_left": 0,
            "days_late": 5,
            "expected_en": ["survey answers"],
            "note": None,
        },
    ]
    digest = {
        "language": "en",
        "recipient": "u@x.example",
        "recipient_name": "Unit one",
        "role": "unit",
        "items_due": 1,
        "items_late": 1,
        "day": date(2023, 3, 10),
        "day_text": "",
        "programme": {"code": "C", "title": "T", "legal_basis": "L"},
        "coordinator": {"agency": "A", "office": "O", "email": "c@x.example", "contact": None},
        "escalations": [],
        "items": entries,
        "units": [
            {"code": "U1", "name": "Unit one", "entries": entries},
            {"code": "U2", "name": "Unit two", "entries": entries[1:]},
        ],
        "item_ids": [1, 2],
    }
    subject, text, html = render_digest(digest)
    assert subject == "[C] Reminder 10/03/2023: 1 due soon, 1 overdue"
    assert text.startswith("To: Unit one\n")
    assert "ITEMS DUE SOON AND OVERDUE" in text
    # A unit's items are listed under its name once, with its link once, numbered per unit.
    assert "\n\nUnit one (U1)\nSee and hand in online: http" in text
    assert "/unit/U1\n1. Phase: Training\n" in text and "\n2. Phase: Survey\n" in text
    assert "\n\nUnit two (U2)\nSee and hand in online: http" in text
    assert "/unit/U2\n1. Phase: Survey\n" in text
    for code in ("U1", "U2"):
        assert text.count(f"({code})") == html.count(f"({code})") == 1
        assert text.count(f"/unit/{code}") == html.count(f"/unit/{code}") == 1
    assert "Due: 24/03/2023 - 10 working days left" in text
    assert "Due: 03/03/2023 - 5 working days overdue" in text
    assert "Regards,\nO\nA\n" in text
