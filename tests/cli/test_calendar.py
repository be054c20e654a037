"""The calendar export: deadlines alarmed on the working days reminders go out, training
classes with time and place, DTSTAMP and a SEQUENCE that grows when the unit changes."""

from datetime import UTC, date, datetime, timedelta

from icalendar import Calendar

from tests.cli.test_commands import rollout


def exported(path):
    result = rollout("calendar", "export", "--unit", "HP-HAIAN", "--output", str(path))
    assert result.exit_code == 0, result.output
    assert "Wrote" in result.stdout and "(5 deadlines)" in result.stdout
    return Calendar.from_ical(path.read_bytes())


def test_deadlines_alarm_on_the_working_days_the_reminders_go_out(loaded, tmp_path):
    before = datetime.now(UTC).replace(microsecond=0)
    calendar = exported(tmp_path / "hai-an.ics")
    events = calendar.walk("VEVENT")
    deadlines = [e for e in events if not str(e["uid"]).endswith("training-class@rollout")]
    assert len(deadlines) == 5
    survey = deadlines[0]
    assert str(survey["summary"]) == (
        "Hạn: Chuẩn bị và khảo sát thông tin sơ bộ - Ủy ban nhân dân quận Hải An"
    )
    due = survey.decoded("dtstart")
    assert due == date(2023, 3, 24)
    start_of_due = datetime.combine(due, datetime.min.time())
    rings = sorted((start_of_due + a.decoded("trigger")) for a in survey.walk("VALARM"))
    # 10, 3 and 1 working days before (config/reminders.yaml), then 07:30 on the day: ten
    # working days before Friday 24/03 is Friday 10/03, not Tuesday 14/03.
    assert [r.date() for r in rings] == [
        date(2023, 3, 10),
        date(2023, 3, 21),
        date(2023, 3, 23),
        date(2023, 3, 24),
    ]
    assert all(r.time() == datetime.min.time().replace(hour=7, minute=30) for r in rings)
    for event in events:  # RFC 5545: every event says when it was made, and its revision
        stamp = event.decoded("dtstamp")
        assert stamp.tzinfo is not None and before <= stamp <= datetime.now(UTC)
        assert int(event["sequence"]) >= 1


def test_the_training_class_is_an_event_with_its_time_and_place(loaded, tmp_path):
    calendar = exported(tmp_path / "hai-an.ics")
    (lesson,) = [e for e in calendar.walk("VEVENT") if "class" in str(e["uid"])]
    training = [e for e in calendar.walk("VEVENT") if str(e["uid"]).endswith("-training@rollout")]
    starts = lesson.decoded("dtstart")
    assert starts.tzinfo is not None and starts.utcoffset() == timedelta(hours=7)
    # Training opens on Monday 27/03 with the invitation; the class is three working days on.
    assert starts.replace(tzinfo=None) == datetime(2023, 3, 30, 8, 0)
    assert lesson.decoded("dtend") - starts == timedelta(hours=4)
    assert str(lesson["location"]) == "Hội trường Ủy ban nhân dân"  # the example's place
    assert "Chuyên gia Chi cục Tiêu chuẩn Đo lường Chất lượng Hải Phòng" in str(
        lesson["description"]
    )
    assert len(training) == 1 and calendar.walk("VTIMEZONE")
    assert str(calendar.walk("VTIMEZONE")[0]["tzid"]) == "Asia/Ho_Chi_Minh"


def test_a_changed_unit_comes_back_with_a_higher_sequence(loaded, tmp_path):
    first = exported(tmp_path / "first.ics").walk("VEVENT")[0]
    assert rollout("sweep", "--as-of", "2023-03-06").exit_code == 0  # the survey opens
    again = exported(tmp_path / "again.ics").walk("VEVENT")[0]
    assert str(again["uid"]) == str(first["uid"])
    assert int(again["sequence"]) > int(first["sequence"])
