"""Lint findings: one record per problem, and a list type that prints, tabulates and renders them."""

from __future__ import annotations

import html
from dataclasses import asdict, dataclass
from typing import Any

import pandas as pd

from kit.frame import as_frame
from kit.integration.inputs.text import printable

__all__ = ["COLUMNS", "Finding", "Findings"]

COLUMNS = ["rule", "severity", "path", "line", "column", "message", "hint"]
_COLOURS = {"error": "#b00020", "warning": "#a15c00", "info": "#3b5998"}


@dataclass(frozen=True)
class Finding:
    """One finding: which rule, how bad, where (JSON path, 1-based line and column), what and how to fix it."""

    rule: str
    severity: str
    path: str
    line: int | None
    column: int | None
    message: str
    hint: str | None
    #: the file (or ``<dict>`` / ``<string>``) the finding is in
    file: str = ""

    def __post_init__(self) -> None:
        # Rules quote the user's values: lone surrogates or control characters must not break printing,
        # HTML or the Parquet/Excel export of the findings.
        object.__setattr__(self, "message", printable(self.message))
        if self.hint is not None:
            object.__setattr__(self, "hint", printable(self.hint))

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}:{self.column}"
        text = f"{where} {self.severity} {self.rule} {self.path or '<root>'}: {self.message}"
        return f"{text}; fix: {self.hint}" if self.hint else text

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class Findings(list[Finding]):
    """A list of findings with ``errors``/``warnings`` views, a DataFrame and a notebook rendering."""

    @property
    def errors(self) -> Findings:
        return Findings(f for f in self if f.severity == "error")

    @property
    def warnings(self) -> Findings:
        return Findings(f for f in self if f.severity == "warning")

    @property
    def infos(self) -> Findings:
        return Findings(f for f in self if f.severity == "info")

    @property
    def rules(self) -> list[str]:
        """The rule ids, in order (handy in tests)."""
        return [f.rule for f in self]

    def frame(self) -> pd.DataFrame:
        """One row per finding: rule, severity, path, line, column, message, hint."""
        frame = pd.DataFrame([[getattr(f, c) for c in COLUMNS] for f in self], columns=COLUMNS)
        for column in ("line", "column"):
            frame[column] = frame[column].astype("Int64")
        return as_frame(frame)

    def summary(self) -> str:
        """``2 errors, 1 warning`` (or ``no findings``)."""
        if not self:
            return "no findings"
        counts = [(len(self.errors), "error"), (len(self.warnings), "warning"), (len(self.infos), "info")]
        return ", ".join(f"{n} {word}{'s' if n != 1 else ''}" for n, word in counts if n)

    def __str__(self) -> str:
        return "\n".join(str(f) for f in self)

    def _repr_html_(self) -> str:
        if not self:
            return "<p><b>Lint</b>: no findings</p>"
        rows = []
        for f in self:
            where = "" if f.line is None else f"{f.line}:{f.column}"
            colour = _COLOURS.get(f.severity, "inherit")
            cells = [
                f'<td style="color:{colour}"><b>{html.escape(f.severity)}</b></td>',
                f"<td>{html.escape(f.rule)}</td>",
                f"<td>{html.escape(f.file)} {where}</td>",
                f"<td><code>{html.escape(f.path)}</code></td>",
                f"<td>{html.escape(f.message)}</td>",
                f"<td>{html.escape(f.hint or '')}</td>",
            ]
            rows.append("<tr>" + "".join(cells) + "</tr>")
        head = "".join(f"<th>{h}</th>" for h in ("severity", "rule", "where", "path", "message", "fix"))
        return (
            f"<p><b>Lint</b>: {html.escape(self.summary())}</p>"
            f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        )
