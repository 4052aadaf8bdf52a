"""Reading helpers: the document's lines, cells and printed numbers."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from extract.writer import ExtractionError
from warehouse.documents import read_lines

Row = dict[str, Any]


class _Doc:
    """The document's lines plus the path, so every check can raise at a 1-based line."""

    def __init__(self, path: str | Path):
        self.path = path
        self.lines = read_lines(path)

    def fail(self, index: int | None, message: str) -> ExtractionError:
        return ExtractionError(self.path, None if index is None else index + 1, message)

    def text_at(self, index: int) -> str:
        return repr(self.lines[index][:80]) if index < len(self.lines) else "end of document"

    def find(self, pattern: str, start: int, what: str, stop: str | None = None) -> int:
        """Index of the first line from `start` matching `pattern`; fails at `stop` or the end."""
        for i in range(start, len(self.lines)):
            if re.search(pattern, self.lines[i]):
                return i
            if stop is not None and re.search(stop, self.lines[i]):
                raise self.fail(i, f"expected {what}, found {self.text_at(i)}")
        raise self.fail(len(self.lines) - 1, f"expected {what}, found end of document")

    def cells(self, index: int, count: int, what: str) -> list[str]:
        cells = self.lines[index].split("\t")
        if len(cells) != count:
            raise self.fail(
                index, f"expected {count} tab-separated cells in {what}, found {len(cells)}: {self.text_at(index)}"
            )
        return cells

    def integer(self, index: int, text: str, what: str) -> int:
        if not re.fullmatch(r"-?\d+", text.strip()):
            raise self.fail(index, f"expected an integer {what}, found {text!r}")
        return int(text.strip())

    def decimal(self, index: int, text: str, what: str) -> Decimal:
        cleaned = text.strip().replace(",", "")
        if not re.fullmatch(r"-?\d+(\.\d+)?", cleaned):
            raise self.fail(index, f"expected a number {what}, found {text!r}")
        return Decimal(cleaned)


def _is_rule(cells: list[str]) -> bool:
    """A line of dash runs: the PDF's table rules."""
    return any(c.strip() for c in cells) and all(re.fullmatch(r"-*", c.strip()) for c in cells)


def _strip_markup(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]*>", " ", text.replace("**", ""))).strip()
