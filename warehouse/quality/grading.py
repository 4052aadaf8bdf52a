"""How much a finding matters: the grade rule of ``docs/quality.md``, as code.

Every finding (a row of a consistency rule, a contradicted claim, a claim that holds only under
a named reading) gets one of three grades:

* ``within_precision``: the figure the report prints and the one its own tables imply agree at
  the precision printed (the implied value lies in the band the printed words allow). Not a
  problem.
* ``minor``: outside that band by no more than the unit's slack (1 percentage point for a
  share, 0.1 point for an average score, 0.1 for a rate per 1,000, nothing for a count); or a
  claim whose plain reading fails and whose named alternative reading holds.
* ``material``: anything further out; any count that differs; an order the tables contradict
  (an average outside its own range, a part larger than its whole, "the lowest" that is not);
  a contradicted claim that states no single figure.

Borderline cases fall to the milder grade: a value exactly on a band's closed edge is inside
it, and a gap exactly equal to the slack is minor. Gaps are compared after rounding to six
decimals, so that 0.2 − 0.1 is 0.1.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

GRADES = ("material", "minor", "within_precision")
GRADE_ORDER = {"material": 1, "minor": 2, "within_precision": 3}

# word -> how the band around the stated figure X is drawn (README of the claims register)
WORDS = (
    "rounded",  # a bare figure: v rounds to X at the precision printed (parts x half a unit)
    "exact",  # a count stated exactly
    "almost",  # 0.9 X <= v < X
    "just_over",  # X < v <= 1.1 X
    "around",  # |v - X| <= 0.1 X
    "more_than",  # v > X
    "less_than",  # v < X
    "at_most",  # v <= X
    "at_least",  # v >= X
    "order",  # an order or extreme; no band: contradicted is material
)


@dataclass(frozen=True)
class Unit:
    name: str
    slack: float  # how far outside the band a finding is still minor
    singular: str  # "{} cluster" style formats for values
    plural: str
    gap_unit: str  # unit of a difference ("percentage points")


UNITS = {
    "count": Unit("count", 0.0, "{}", "{}", ""),
    "percent": Unit("percent", 1.0, "{} %", "{} %", "percentage points"),
    "points": Unit("points", 0.1, "{} point", "{} points", "points"),
    "per_1000": Unit("per_1000", 0.1, "{} per 1,000", "{} per 1,000", "per 1,000"),
}


class GradingError(ValueError):
    """A measure is malformed; the message names the file and the entry."""


@dataclass(frozen=True)
class Measure:
    """How a finding's printed figure is read: its unit, the words around it, its precision."""

    unit: str
    words: str = "rounded"
    decimals: int = 0  # decimals printed (for ``rounded``)
    parts: int = 1  # for ``rounded``: a figure that is a sum of this many rounded parts
    noun: str | None = None  # what a count counts ("clusters"), for the explanation

    @classmethod
    def parse(cls, raw: object, where: str) -> Measure:
        if not isinstance(raw, dict):
            raise GradingError(f"{where}: measure must be a mapping with 'unit' (and 'words', 'decimals', ...)")
        unknown = set(raw) - {"unit", "words", "decimals", "parts", "noun"}
        if unknown:
            raise GradingError(f"{where}: measure has unknown keys {sorted(unknown)}")
        unit, words = raw.get("unit"), raw.get("words", "rounded")
        if unit not in UNITS:
            raise GradingError(f"{where}: unit {unit!r} is not one of {', '.join(UNITS)}")
        if words not in WORDS:
            raise GradingError(f"{where}: words {words!r} is not one of {', '.join(WORDS)}")
        decimals, parts = raw.get("decimals", 0), raw.get("parts", 1)
        if not (isinstance(decimals, int) and decimals >= 0 and isinstance(parts, int) and parts >= 1):
            raise GradingError(f"{where}: decimals must be >= 0 and parts >= 1 (integers)")
        noun = raw.get("noun")
        return cls(unit=unit, words=words, decimals=decimals, parts=parts, noun=noun)

    def band(self, stated: float, tolerance: float | None = None) -> tuple[float, float, bool, bool]:
        """(low, high, low_closed, high_closed): the values the printed words allow."""
        x = stated
        if self.words == "rounded":
            half = tolerance if tolerance is not None else self.parts * 0.5 * 10 ** (-self.decimals)
            return round(x - half, 9), round(x + half, 9), True, True
        if self.words in ("exact", "order"):
            half = tolerance or 0.0
            return x - half, x + half, True, True
        lo, hi = sorted((round(0.9 * x, 9), round(1.1 * x, 9)))
        return {
            "almost": (lo, x, True, False),
            "just_over": (x, hi, False, True),
            "around": (lo, hi, True, True),
            "more_than": (x, math.inf, False, True),
            "less_than": (-math.inf, x, True, False),
            "at_most": (-math.inf, x, True, True),
            "at_least": (x, math.inf, True, True),
        }[self.words]


@dataclass(frozen=True)
class Grade:
    grade: str
    gap: float | None  # distance of the implied value outside the band (None: no single figure)
    reason: str


def distance_outside(value: float, band: tuple[float, float, bool, bool]) -> tuple[bool, float]:
    """(inside, distance to the band) for ``value``; an open edge excludes the edge itself."""
    lo, hi, lo_closed, hi_closed = band
    inside = (value > lo or (lo_closed and value == lo)) and (value < hi or (hi_closed and value == hi))
    if inside:
        return True, 0.0
    return False, round(max(lo - value, value - hi, 0.0), 6)


def grade_figure(
    measure: Measure, printed: float, implied: float, *, tolerance: float | None = None, holds_under: bool = False
) -> Grade:
    """The grade of a finding with one printed and one implied figure."""
    inside, gap = distance_outside(implied, measure.band(printed, tolerance))
    if inside:
        return Grade("within_precision", 0.0, "the implied value is within the printed precision")
    if holds_under:
        return Grade("minor", gap, "the plain reading fails, a named reading holds")
    if measure.words == "order":
        return Grade("material", gap, "an order or range the tables contradict")
    slack = UNITS[measure.unit].slack
    if gap <= slack:
        return Grade("minor", gap, f"outside the printed precision by {gap:g}, at most the slack {slack:g}")
    return Grade("material", gap, f"outside the printed precision by {gap:g}, more than the slack {slack:g}")


def grade_statement(*, holds_under: bool) -> Grade:
    """The grade of a claim that states no single figure (an order, a comparison, a membership)."""
    if holds_under:
        return Grade("minor", None, "the plain reading fails, a named reading holds")
    return Grade("material", None, "a statement the tables contradict")


def decimals_of(value: float | int | str) -> int:
    """Decimals as printed: 95.5 -> 1, 15 -> 0."""
    text = str(value)
    return len(text.split(".", 1)[1].rstrip("0")) if "." in text else 0


def fmt_number(value: float | None, decimals: int | None = None) -> str:
    if value is None:
        return ""
    if decimals is None:
        decimals = min(decimals_of(round(value, 2)), 2)
    text = f"{value:,.{decimals}f}"
    return text


def with_unit(value: float | None, measure: Measure, decimals: int | None = None) -> str | None:
    if value is None:
        return None
    unit = UNITS[measure.unit]
    number = fmt_number(value, decimals)
    if measure.unit == "count":
        return f"{number} {_noun(measure, value)}".strip()
    return (unit.singular if value == 1 else unit.plural).format(number)


def _noun(measure: Measure, value: float) -> str:
    """The counted noun, singular for one: 1 service, 2 services."""
    noun = measure.noun or ""
    return noun[:-1] if value == 1 and noun.endswith("s") else noun


def gap_text(difference: float | None, measure: Measure) -> str | None:
    if difference is None:
        return None
    number = fmt_number(abs(difference))
    if measure.unit == "count":
        return f"{number} {_noun(measure, abs(difference))}".strip()
    unit = UNITS[measure.unit].gap_unit
    if measure.unit == "points" and abs(difference) == 1:
        unit = "point"
    if measure.unit == "percent" and abs(difference) == 1:
        unit = "percentage point"
    return f"{number} {unit}"


_WORD_TEXT = {
    "almost": "almost ",
    "just_over": "just over ",
    "around": "around ",
    "more_than": "more than ",
    "less_than": "less than ",
    "at_most": "at most ",
    "at_least": "at least ",
}


def printed_text(measure: Measure, stated: float) -> str:
    """The printed figure with its words and unit: ``almost 15 %``, ``19 clusters``, ``95.5 %``."""
    return _WORD_TEXT.get(measure.words, "") + (with_unit(stated, measure, measure.decimals) or "")
