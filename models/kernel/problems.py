"""Input problems that name the file, the line and the field, and say how to fix them."""

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one input file."""

    source: str
    line: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.source if self.line is None else f"{self.source}:{self.line}"
        return (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )


class InputError(Exception):
    """Everything wrong with the inputs of one command, reported together."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.source, p.line or 0))
        super().__init__(self.render())

    def render(self) -> str:
        """All problems, one per line, under a count."""
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} found; nothing was written."
        return "\n".join([head, *(f"  {p}" for p in self.problems)])


class NotFoundError(Exception):
    """A programme, unit or other record named on the command line does not exist."""


class StorageError(Exception):
    """A file rollout keeps could not be written (no space, no permission, a file standing
    where a folder should be); the message names the path, the cause and what to do."""
