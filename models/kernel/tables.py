"""SQLModel tables: programme, units, phase runs, evidence, ratings, action items, outbox, audit."""

from datetime import date, datetime

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel


class Programme(SQLModel, table=True):
    """A deployment programme (kế hoạch triển khai), identified by its code."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(index=True, unique=True, max_length=64)
    title: str
    legal_basis: str
    coordinator: dict = Field(sa_column=Column(JSON, nullable=False))
    time_zone: str = Field(max_length=64)
    phase_plan: list = Field(sa_column=Column(JSON, nullable=False))
    due_soon_days: int
    source_file: str
    catalogue: dict | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    reminders: dict | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    documents: dict | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    assessment: dict | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    sessions: dict | None = Field(default=None, sa_column=Column(JSON, nullable=True))


class CalendarOverride(SQLModel, table=True):
    """A programme's own day off or extra working day, with its reason."""

    __table_args__ = (UniqueConstraint("programme_id", "day"),)
    id: int | None = Field(default=None, primary_key=True)
    programme_id: int = Field(foreign_key="programme.id", index=True)
    day: date
    working: bool
    reason: str


class Wave(SQLModel, table=True):
    """A wave (đợt) of units that start the five phases together."""

    __table_args__ = (UniqueConstraint("programme_id", "name"),)
    id: int | None = Field(default=None, primary_key=True)
    programme_id: int = Field(foreign_key="programme.id", index=True)
    name: str = Field(max_length=200)
    position: int
    start: date


class Unit(SQLModel, table=True):
    """A people's committee in a programme's roster; units outside every wave are parents only."""

    __table_args__ = (UniqueConstraint("programme_id", "code"),)
    id: int | None = Field(default=None, primary_key=True)
    programme_id: int = Field(foreign_key="programme.id", index=True)
    code: str = Field(max_length=64, index=True)
    name: str
    level: str = Field(max_length=20)
    parent_code: str | None = Field(default=None, max_length=64)
    email: str | None = None
    successor_code: str | None = Field(default=None, max_length=64)
    merged_on: date | None = None
    wave_id: int | None = Field(default=None, foreign_key="wave.id", index=True)
    in_roster: bool = True
    officials: int | None = None


class PhaseRun(SQLModel, table=True):
    """One unit in one phase: baseline and forecast windows, actual dates, status."""

    __table_args__ = (UniqueConstraint("unit_id", "phase"),)
    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    phase: str = Field(max_length=32)
    seq: int
    baseline_start: date
    baseline_due: date
    forecast_start: date
    forecast_due: date
    actual_start: date | None = None
    actual_done: date | None = None
    status: str = Field(default="planned", max_length=20)  # a RunState (models.kernel.vocabulary)


class Evidence(SQLModel, table=True):
    """A file or a decision recorded for a phase run; voided by a reopen, never deleted."""

    id: int | None = Field(default=None, primary_key=True)
    phase_run_id: int = Field(foreign_key="phaserun.id", index=True)
    type: str = Field(max_length=16)  # "evidence" (a file) or "decision"
    kind: str = Field(max_length=64)
    dated: date  # when it happened (signed, held, received), as the coordinator records it
    sha256: str | None = Field(default=None, max_length=64, index=True)
    original_name: str | None = None
    size: int | None = None
    decision_number: str | None = None
    signer: str | None = None
    quantity: int | None = None
    note: str | None = None
    recorded_by: str
    recorded_at: datetime
    void: bool = False


class IndicatorRating(SQLModel, table=True):
    """A unit's rating of one indicator for one period (the self-assessment gate reads these)."""

    __table_args__ = (UniqueConstraint("unit_id", "period", "indicator"),)
    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    period: int
    indicator: str = Field(max_length=16)
    rating: str = Field(max_length=8)  # the unit's own rating
    rated_on: date
    assessor: str
    evidence: str | None = None  # references to the evidence, as the unit wrote them
    note: str | None = None
    verified_rating: str | None = Field(default=None, max_length=8)  # kept beside the self rating
    verifier: str | None = None
    verified_on: date | None = None


class ActionItem(SQLModel, table=True):
    """One item of a unit's action programme: a task, its owner, target and deadline."""

    id: int | None = Field(default=None, primary_key=True)
    programme_id: int = Field(foreign_key="programme.id", index=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    period: int  # the self-assessment period the item answers
    indicator: str | None = Field(default=None, max_length=16)  # None for an added item
    task: str
    owner: str  # the responsible office
    rating: str | None = Field(default=None, max_length=8)  # the rating it starts from
    target: str = Field(max_length=8)
    due: date
    status: str = Field(default="open", max_length=16)  # open, in_progress, done or dropped
    done_on: date | None = None
    note: str | None = None
    created_by: str
    created_at: datetime
    updated_at: datetime


class OutboxMessage(SQLModel, table=True):
    """A digest to one recipient, rendered and stored before it is sent; sent at most once."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, max_length=300)
    programme_id: int = Field(foreign_key="programme.id", index=True)
    recipient: str
    day: date = Field(index=True)
    subject: str
    # pending -> sending (claimed by one sender until its lease ends) -> sent
    status: str = Field(default="pending", max_length=16, index=True)
    claimed_by: str | None = Field(default=None, max_length=120)
    claimed_until: datetime | None = None
    attempts: int = 0
    last_error: str | None = None
    channel: str | None = Field(default=None, max_length=16)
    channel_message_id: str | None = None
    created_at: datetime
    sent_at: datetime | None = None


class OutboxBody(SQLModel, table=True):
    """A message's rendered bodies, apart from its status row: SQLite rewrites a whole row on
    every update, and a digest's bodies (~36 KB) would be rewritten when it is claimed and
    again when it is marked sent."""

    message_id: int = Field(foreign_key="outboxmessage.id", primary_key=True)
    body_text: str
    body_html: str


class SweepRecord(SQLModel, table=True):
    """One daily sweep of a programme: when it ran, for which day, and what it did."""

    id: int | None = Field(default=None, primary_key=True)
    programme_id: int = Field(foreign_key="programme.id", index=True)
    as_of: date
    started_at: datetime
    finished_at: datetime
    counts: dict = Field(sa_column=Column(JSON, nullable=False))
    undelivered: int = 0


class SweepPart(SQLModel, table=True):
    """What one part of a spread sweep (whole provinces, its own flow run) did, under the key
    the sweep that started it gave it."""

    id: int | None = Field(default=None, primary_key=True)
    programme_id: int = Field(foreign_key="programme.id", index=True)
    key: str = Field(max_length=120, unique=True)
    as_of: date
    provinces: list = Field(sa_column=Column(JSON, nullable=False))
    counts: dict = Field(sa_column=Column(JSON, nullable=False))
    finished_at: datetime


class ReminderItem(SQLModel, table=True):
    """One reminder of one phase run to one recipient on one day, under a unique key."""

    # Migration 0015 indexes the items not yet in a message (programme, recipient; partial,
    # WHERE message_id IS NULL): declared there only, since naming a PostgreSQL option here
    # would load that dialect into every command (~50 ms).
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, max_length=200)
    programme_id: int = Field(foreign_key="programme.id")  # no index: see migration 0016
    phase_run_id: int = Field(foreign_key="phaserun.id")
    action_item_id: int | None = Field(default=None, foreign_key="actionitem.id")
    rule: str = Field(max_length=32)
    day: date
    recipient: str
    role: str = Field(max_length=16)  # unit, parent or coordinator
    note: str | None = None
    created_at: datetime
    message_id: int | None = Field(default=None, foreign_key="outboxmessage.id")


class GeneratedDocument(SQLModel, table=True):
    """A registered document: one version of one type for one unit (or the programme)."""

    __tablename__ = "document"
    __table_args__ = (
        UniqueConstraint("programme_id", "subject", "doc_type", "language", "version"),
    )
    id: int | None = Field(default=None, primary_key=True)
    programme_id: int = Field(foreign_key="programme.id", index=True)
    unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    subject: str = Field(max_length=64)  # the unit's code, or the programme's for its own reports
    phase: str = Field(max_length=32)
    doc_type: str = Field(max_length=64)
    language: str = Field(max_length=8)
    version: int
    replaces_id: int | None = Field(default=None, foreign_key="document.id")
    issuer: str = Field(max_length=64)  # whose register: a unit's code, or "coordinator"
    number: int | None = None  # given by the clerk once signed (None: a draft)
    number_symbol: str | None = Field(default=None, max_length=64)  # "12/KH-UBND"
    issued_on: date
    template_name: str
    template_sha256: str = Field(max_length=64)
    data_sha256: str = Field(max_length=64)
    output_sha256: str = Field(max_length=64)
    path: str  # relative to the documents folder
    created_by: str
    created_at: datetime


class ExpertRow(SQLModel, table=True):
    """An expert of a programme (from its experts file); withdrawn from a date, never deleted."""

    __tablename__ = "expert"
    __table_args__ = (UniqueConstraint("programme_id", "code"),)
    id: int | None = Field(default=None, primary_key=True)
    programme_id: int = Field(foreign_key="programme.id", index=True)
    code: str = Field(max_length=64)
    name: str
    email: str | None = None
    skills: list = Field(sa_column=Column(JSON, nullable=False))
    regions: list = Field(sa_column=Column(JSON, nullable=False))
    days_per_week: int
    unavailable: list = Field(sa_column=Column(JSON, nullable=False))  # ISO dates
    in_file: bool = True  # False once a loaded file no longer lists the expert
    withdrawn_from: date | None = None


class ExpertSession(SQLModel, table=True):
    """A session placed by the last expert plan: who delivers it to which units, and when."""

    __table_args__ = (UniqueConstraint("programme_id", "key"),)
    id: int | None = Field(default=None, primary_key=True)
    programme_id: int = Field(foreign_key="programme.id", index=True)
    key: str = Field(max_length=200)  # training:1:HP:1, guidance:HP-HAIAN, verification:…
    skill: str = Field(max_length=16)
    phase: str = Field(max_length=32)
    region: str = Field(max_length=64)
    units: list = Field(sa_column=Column(JSON, nullable=False))
    experts: list = Field(sa_column=Column(JSON, nullable=False))
    start: date
    end: date
    planned_on: date  # the as-of date of the plan that placed it
    reminded_on: date | None = None  # the day of the last reminder its experts were sent


class AuditEvent(SQLModel, table=True):
    """An append-only record of a change of state, chained to the previous one by sha256."""

    id: int | None = Field(default=None, primary_key=True)
    seq: int = Field(unique=True)
    at: datetime
    actor: str
    action: str = Field(max_length=64, index=True)
    programme_code: str | None = Field(default=None, max_length=64, index=True)
    subject: str
    payload: str
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64, unique=True)


class WebUser(SQLModel, table=True):
    """A person who signs in to the web application: a role and the units it reaches."""

    __tablename__ = "webuser"
    __table_args__ = (UniqueConstraint("programme_id", "email"),)
    id: int | None = Field(default=None, primary_key=True)
    programme_id: int = Field(foreign_key="programme.id", index=True)
    email: str = Field(max_length=254, index=True)  # lower case
    name: str | None = None
    role: str = Field(max_length=16)  # a Role (models.access.roles)
    scope: list = Field(sa_column=Column(JSON, nullable=False))  # unit or parent codes; [] all
    active: bool = True
    created_by: str
    created_at: datetime


class SignInLink(SQLModel, table=True):
    """A single-use, expiring sign-in link; only the sha256 of its token is kept."""

    __tablename__ = "signinlink"
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="webuser.id", index=True)
    token_sha256: str = Field(max_length=64, unique=True)
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None


class WebSession(SQLModel, table=True):
    """A signed-in browser: the sha256 of its cookie, its CSRF token, when it ends."""

    __tablename__ = "websession"
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="webuser.id", index=True)
    token_sha256: str = Field(max_length=64, unique=True)
    csrf: str = Field(max_length=64)
    created_at: datetime
    expires_at: datetime
    ended_at: datetime | None = None


class AssessmentReview(SQLModel, table=True):
    """A unit's online self-assessment for a period: its draft, submission and review loop."""

    __tablename__ = "assessmentreview"
    __table_args__ = (UniqueConstraint("unit_id", "period"),)
    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    period: int
    state: str = Field(max_length=20)  # draft, submitted, changes_requested, confirmed
    draft: dict = Field(sa_column=Column(JSON, nullable=False))  # code -> {rating, note, evidence}
    comments: list = Field(sa_column=Column(JSON, nullable=False))  # the loop, oldest first
    updated_by: str
    updated_at: datetime


class UnitLineage(SQLModel, table=True):
    """One unit succeeded (wholly or in part) by another on a day (the 2025 reorganisation):
    the predecessor keeps its history, the successor's views show it. A predecessor with more
    than one successor is a partial split, for the coordinator to decide which carries on."""

    __tablename__ = "unitlineage"
    __table_args__ = (UniqueConstraint("programme_id", "predecessor", "successor"),)
    id: int | None = Field(default=None, primary_key=True)
    programme_id: int = Field(foreign_key="programme.id", index=True)
    predecessor: str = Field(max_length=64, index=True)
    successor: str = Field(max_length=64, index=True)
    effective: date
    partial: bool = False
    carries: bool | None = None  # a partial split decided: this successor carries on (or not)
    created_at: datetime
