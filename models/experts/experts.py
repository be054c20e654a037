"""The experts who train, guide and verify units: who they are, what they can do, where and
when. Read from a CSV or XLSX file beside the roster, every problem named by line and field."""

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from email_validator import EmailNotValidError, validate_email

from models.kernel.identifiers import code_problem, text_problem
from models.kernel.problems import InputError, Problem
from models.programme.roster import read_table_rows

SKILLS = ("training", "guidance", "verification")
SKILL_NAMES = {  # what a session of each skill is called, in Vietnamese and English
    "training": ("Đào tạo TCVN ISO 18091:2020", "Training on TCVN ISO 18091:2020"),
    "guidance": ("Hướng dẫn tự đánh giá", "Guidance on the self-assessment"),
    "verification": ("Thẩm tra kết quả tự đánh giá", "Verification of the self-assessment"),
}
REQUIRED_COLUMNS = ("code", "name", "email", "skills")
OPTIONAL_COLUMNS = ("regions", "days_per_week", "unavailable", "note")
MAX_UNAVAILABLE_SPAN = 366  # days in one "from..to" range


@dataclass(frozen=True)
class Expert:
    """One expert: the skills they deliver, the regions (province or parent-unit codes; none
    means anywhere) they work in, session days a week at most, and days they cannot work."""

    code: str
    name: str
    email: str | None
    skills: frozenset[str]
    regions: frozenset[str] = frozenset()
    days_per_week: int = 5
    unavailable: frozenset[date] = frozenset()

    def works_in_any(self, places: frozenset[str]) -> bool:
        """Whether the expert may take a session held in any of `places` (a parent unit and
        the province holding it)."""
        return not self.regions or bool(self.regions & places)


def load_experts(path: Path) -> list[Expert]:
    """Read and validate an experts file; InputError lists every problem, nothing is kept."""
    if not path.is_file():
        raise InputError([Problem(str(path), None, None, "experts file not found")])
    source, header, rows = read_table_rows(path, "experts file")
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    unknown = [c for c in header if c and c not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    problems = []
    if missing:
        problems.append(
            Problem(
                source,
                1,
                None,
                f"missing column(s) {', '.join(missing)}; the header needs "
                f"{','.join(REQUIRED_COLUMNS)}",
            )
        )
    if unknown:
        problems.append(
            Problem(
                source,
                1,
                None,
                f"unknown column(s) {', '.join(unknown)}; allowed: "
                f"{', '.join(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)}",
            )
        )
    if problems:
        raise InputError(problems)
    experts: list[Expert] = []
    seen: dict[str, int] = {}
    for line, cells in rows:
        row = {name: (cells[i] if i < len(cells) else "") for i, name in enumerate(header)}
        found: list[Problem] = []

        def bad(field: str, message: str, line: int = line, found: list = found) -> None:
            found.append(Problem(source, line, field, message))

        expert = _expert(row, bad)
        if expert and expert.code in seen:
            bad("code", f"duplicate code {expert.code!r} (first on line {seen[expert.code]})")
        problems += found
        if expert and not found:
            seen[expert.code] = line
            experts.append(expert)
    if not problems and not experts:
        problems.append(Problem(source, None, None, "no experts, only a header; fill it in"))
    if problems:
        raise InputError(problems)
    return experts


def _expert(row: dict[str, str], bad) -> Expert | None:
    """One row as an Expert, or None; each problem goes to `bad(field, message)`."""
    code = row["code"]
    if not code or (problem := code_problem(code)):
        bad("code", "empty; every expert needs a unique code" if not code else problem)
        return None
    for field in ("name", "email", "skills", "regions", "note", "unavailable", "days_per_week"):
        if row.get(field) and (problem := text_problem(row[field])):
            bad(field, problem)
            return None
    if not row["name"]:
        bad("name", "empty; give the expert's full name")
    email = row["email"] or None
    if email:
        try:
            email = validate_email(email, check_deliverability=False).normalized
        except EmailNotValidError as exc:
            bad("email", f"{email!r} is not an e-mail address ({exc})")
    skills = frozenset(_items(row["skills"]))
    if not skills or skills - set(SKILLS):
        wrong = ", ".join(sorted(skills - set(SKILLS))) or "none"
        bad("skills", f"{wrong}: give one or more of {', '.join(SKILLS)}, separated by ';'")
    regions = frozenset(_items(row.get("regions", "")))
    for region in regions:
        if problem := code_problem(region):
            bad("regions", f"{region!r}: {problem}")
    days = 5
    if row.get("days_per_week"):
        try:
            days = int(float(row["days_per_week"]))
            if not 1 <= days <= 5 or float(row["days_per_week"]) != days:
                raise ValueError
        except ValueError:
            bad("days_per_week", f"{row['days_per_week']!r}: a whole number of days, 1 to 5")
    unavailable = _days_off(row.get("unavailable", ""), bad)
    return Expert(code, row["name"], email, skills, regions, days, unavailable)


def _items(text: str) -> list[str]:
    return [part.strip() for part in text.replace(",", ";").split(";") if part.strip()]


def _days_off(text: str, bad) -> frozenset[date]:
    """Days given as 2023-04-03 or ranges 2023-04-03..2023-04-07, separated by ';'."""
    days: set[date] = set()
    for part in _items(text):
        first, _, last = part.partition("..")
        try:
            start = date.fromisoformat(first.strip())
            end = date.fromisoformat(last.strip()) if last else start
        except ValueError:
            bad("unavailable", f"{part!r}: write YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD")
            continue
        if end < start or (end - start).days > MAX_UNAVAILABLE_SPAN:
            bad("unavailable", f"{part!r}: the range ends before it starts or spans over a year")
            continue
        days |= {start + timedelta(days=n) for n in range((end - start).days + 1)}
    return frozenset(days)
