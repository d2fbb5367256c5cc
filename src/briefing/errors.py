"""The one error type the library raises for bad input, with its positions."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file, at a place a person can go to."""

    file: str
    line: int | None
    column: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        field = f" {self.field}:" if self.field else ""
        return f"{where}:{field} {self.message}"

    def as_dict(self) -> dict[str, object]:
        return {"file": self.file, "line": self.line, "column": self.column,
                "field": self.field, "message": self.message}


class BriefError(Exception):
    """Bad input: one or more problems, each naming file, line, column and field."""

    def __init__(self, problems: list[Problem]):
        if not problems:
            raise ValueError("BriefError needs at least one problem")
        self.problems = problems
        first = str(problems[0])
        more = len(problems) - 1
        super().__init__(first + (f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""))

    @classmethod
    def single(cls, file: str, message: str, line: int | None = None, column: int | None = None,
               field: str = "") -> "BriefError":
        return cls([Problem(file, line, column, field, message)])
