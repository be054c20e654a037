"""Strict rendering: a missing field fails naming the template and the field."""

import pytest

from adapters.rendering import TemplateFieldError, render_digest, render_text


def test_a_missing_field_is_named_with_its_template():
    with pytest.raises(TemplateFieldError) as exc:
        render_text("email/reminder.vi.txt.j2", recipient="a@b.example")
    assert "template email/reminder.vi.txt.j2: 'programme' is undefined" in str(exc.value)


def test_html_templates_escape_what_they_insert():
    html = render_text(
        "email/reminder.vi.html.j2",
        recipient="<script>x</script>",
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

    digest = {
        "language": "en",
        "recipient": "u@x.example",
        "role": "unit",
        "day": date(2023, 3, 10),
        "day_text": "",
        "programme": {"code": "C", "title": "T", "legal_basis": "L"},
        "coordinator": {"agency": "A", "email": "c@x.example", "contact": None},
        "escalations": [],
        "items": [
            {
                "unit": "U1",
                "unit_name": "Unit one",
                "phase_en": "Training",
                "due": date(2023, 3, 24),
                "days_left": 10,
                "days_late": 0,
                "expected_en": ["attendance"],
                "note": None,
            }
        ],
        "item_ids": [1],
    }
    subject, text, _ = render_digest(digest)
    assert subject == "[C] Reminder 2023-03-10: 1 item"
    assert "Due: 2023-03-24 - 10 working days left" in text
