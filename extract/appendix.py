"""Extract the national appendix: 59 self-assessment questions in 5 practices, four tables each.

The document is a PDF-to-text extraction, so the parser works in two passes:

1. `_tokenise` walks the lines and turns every recognisable structure (practice heading,
   question title, descriptor table, band table, response table with its averages) into a
   block, validating each table's shape as it reads it. Blank lines and the remnants of lost
   charts are skipped; any other line becomes a `_Prose` block.
2. `_assemble` checks the order of the blocks: headings in practice order, questions 1..59 in
   order, each with exactly one title, descriptor table, band table and response table, and no
   stray text inside a practice once its questions have begun.

Any deviation raises `ExtractionError` with the line where the expected thing was missing, so a
result is either complete or not returned at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from extract.writer import ExtractionError
from warehouse.documents import read_lines
from warehouse.tables.appendix import (
    AVERAGE_AUDIENCES,
    AVERAGE_SCORES_TABLE,
    BAND_CELLS,
    DESCRIPTOR_LEVELS,
    DESCRIPTORS_TABLE,
    MEAN_SCORE_BANDS_TABLE,
    PRACTICES,
    PRACTICES_TABLE,
    QUESTION_COUNT,
    QUESTIONS_TABLE,
    RESPONSE_ROWS,
    RESPONSES_TABLE,
)

# --------------------------------------------------------------------------------------------
# Line patterns
# --------------------------------------------------------------------------------------------

TITLE_RE = re.compile(r"^(\d+)\.\s+(\S.*?)\s*$")
DESCRIPTOR_HEADER = ["Point score", "Descriptor"]
# Matched after deleting tabs, so split or prefixed titles ("Nur\tNumber of ...") still match.
BAND_TITLE_RE = re.compile(r"^\S{0,3}Number of Children's Trusts \(.*\) with mean scores$")
BAND_CELL_RE = re.compile(r"^(\d[\d,]*) \((\d+)%\)$")
RESPONSE_HEADER = ["", "Leaders and managers", "Front line staff", "Total", "Results as proportion of total"]
AVERAGE_LABEL = "Average point score"
AVERAGE_RE = re.compile(r"^\d\.\d\d$")
COUNT_RE = re.compile(r"^(\d{1,3}(,\d{3})+|\d+)$")
PERCENT_RE = re.compile(r"^(\d+)%$")
CHART_CAPTION = "Distribution of average scores across Children's Trusts"
DASH_REMNANT_RE = re.compile(r"^[\s-]*-[\s-]*$")


# --------------------------------------------------------------------------------------------
# Blocks produced by the tokeniser
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Heading:
    line: int
    practice_index: int


@dataclass(frozen=True)
class _Title:
    line: int
    question_id: int
    text: str


@dataclass(frozen=True)
class _Descriptor:
    line: int
    point_score: int
    level_label: str
    text: str


@dataclass(frozen=True)
class _Descriptors:
    line: int
    rows: tuple[_Descriptor, ...]


@dataclass(frozen=True)
class _Bands:
    line: int  # the table's title line
    value_line: int
    cells: tuple[tuple[int, int], ...]  # (trusts, percent) x 8


@dataclass(frozen=True)
class _Response:
    line: int
    label: str
    counts: tuple[int, int, int]
    percent: int


@dataclass(frozen=True)
class _Responses:
    line: int  # the header line
    rows: tuple[_Response, ...]
    average_line: int
    averages: tuple[Decimal, Decimal, Decimal]


@dataclass(frozen=True)
class _Prose:
    line: int
    text: str


_Block = _Heading | _Title | _Descriptors | _Bands | _Responses | _Prose


@dataclass
class _Question:
    title: _Title | None = None
    descriptors: _Descriptors | None = None
    bands: _Bands | None = None
    responses: _Responses | None = None


# --------------------------------------------------------------------------------------------
# Cell helpers
# --------------------------------------------------------------------------------------------


def _cells(line: str) -> list[str]:
    """Tab-separated cells with surrounding spaces removed and trailing empty cells dropped."""
    cells = [c.strip() for c in line.split("\t")]
    while cells and cells[-1] == "":
        cells.pop()
    return cells


def _is_noise(line: str) -> bool:
    """Blank lines and what is left of the lost charts carry no data."""
    stripped = line.strip()
    return stripped == "" or stripped == CHART_CAPTION or bool(DASH_REMNANT_RE.match(line))


def _count(doc: Path, line_no: int, text: str, what: str) -> int:
    if not COUNT_RE.match(text):
        raise ExtractionError(doc, line_no, f"expected a count for {what}, found {text!r}")
    return int(text.replace(",", ""))


def _percent(doc: Path, line_no: int, text: str, what: str) -> int:
    match = PERCENT_RE.match(text)
    if not match:
        raise ExtractionError(doc, line_no, f"expected a percentage 'N%' for {what}, found {text!r}")
    return int(match.group(1))


def _dash_insensitive(label: str) -> str:
    return " ".join(label.replace("\u2013", "-").split())


# --------------------------------------------------------------------------------------------
# Pass 1: tokenise
# --------------------------------------------------------------------------------------------


def _tokenise(doc: Path, lines: list[str]) -> list[_Block]:
    headings = {name: i for i, (_, name, _, _) in enumerate(PRACTICES)}
    blocks: list[_Block] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        line_no = i + 1
        if _is_noise(line):
            i += 1
        elif line.strip() in headings and "\t" not in line:
            blocks.append(_Heading(line_no, headings[line.strip()]))
            i += 1
        elif (title := TITLE_RE.match(line)) and "\t" not in line:
            blocks.append(_Title(line_no, int(title.group(1)), title.group(2)))
            i += 1
        elif _cells(line) == DESCRIPTOR_HEADER:
            block, i = _read_descriptors(doc, lines, i)
            blocks.append(block)
        elif BAND_TITLE_RE.match(line.replace("\t", "").strip()):
            block, i = _read_bands(doc, lines, i)
            blocks.append(block)
        elif _cells(line) == RESPONSE_HEADER:
            block, i = _read_responses(doc, lines, i)
            blocks.append(block)
        else:
            blocks.append(_Prose(line_no, line.strip()))
            i += 1
    return blocks


def _read_descriptors(doc: Path, lines: list[str], header: int) -> tuple[_Descriptors, int]:
    """Rows up to the next blank line; a row may wrap, and ends on a label cell ending '(n)'."""
    rows: list[_Descriptor] = []
    label_parts: list[str] = []
    text_parts: list[str] = []
    start = 0
    i = header + 1
    while i < len(lines) and lines[i].strip():
        cells = _cells(lines[i])
        if len(cells) != 2 or not cells[0] or not cells[1]:
            raise ExtractionError(doc, i + 1, f"expected a descriptor row 'label<TAB>text', found {lines[i]!r}")
        if not label_parts:
            start = i + 1
        label_parts.append(cells[0])
        text_parts.append(cells[1])
        label = " ".join(" ".join(label_parts).split())
        closed = re.match(r"^(.*\S)\s*\((\d)\)$", label)
        if closed:
            found = (int(closed.group(2)), closed.group(1))
            expected = DESCRIPTOR_LEVELS[len(rows)] if len(rows) < len(DESCRIPTOR_LEVELS) else None
            if found != expected:
                raise ExtractionError(
                    doc, start, f"expected descriptor row {_level_name(expected)}, found {_level_name(found)}"
                )
            rows.append(_Descriptor(start, found[0], found[1], " ".join(text_parts)))
            label_parts, text_parts = [], []
        i += 1
    if label_parts:
        raise ExtractionError(doc, start, "descriptor row starting here never closes with a '(n)' label")
    if len(rows) != len(DESCRIPTOR_LEVELS):
        raise ExtractionError(
            doc, i + 1, f"expected descriptor row {_level_name(DESCRIPTOR_LEVELS[len(rows)])}, found the table's end"
        )
    return _Descriptors(header + 1, tuple(rows)), i


def _level_name(level: tuple[int, str] | None) -> str:
    return "none (the table has three rows)" if level is None else repr(f"{level[1]} ({level[0]})")


def _band_header_recognised(cells: list[str]) -> bool:
    """True for the printed column header in any of the garbled forms the document shows."""
    labels = [label for _, label in BAND_CELLS]
    if [c.replace(" ", "") for c in cells] == [label.replace(" ", "") for label in labels]:
        return True  # complete (possibly with broken spacing, e.g. 'u p to')
    if cells == [""] * 7 + [labels[-1]]:
        return True  # only the last label survived
    # 'Below 2.5' followed by the remaining labels run together into one cell
    return len(cells) == 2 and cells[0] == labels[0] and not BAND_CELL_RE.match(cells[1])


def _read_bands(doc: Path, lines: list[str], title: int) -> tuple[_Bands, int]:
    """Title line, an optional (garbled) column header, then the row of eight 'N (P%)' cells."""
    i = title + 1
    if i < len(lines) and _band_header_recognised(_cells(lines[i])):
        i += 1
    if i >= len(lines):
        raise ExtractionError(doc, len(lines), "document ends before the band table's value row")
    cells = _cells(lines[i])
    if len(cells) != len(BAND_CELLS):
        raise ExtractionError(
            doc, i + 1, f"expected {len(BAND_CELLS)} band cells 'N (P%)', found {len(cells)}: {lines[i]!r}"
        )
    values: list[tuple[int, int]] = []
    for (code, _), cell in zip(BAND_CELLS, cells, strict=False):
        match = BAND_CELL_RE.match(cell)
        if not match:
            raise ExtractionError(doc, i + 1, f"expected 'N (P%)' for band {code}, found {cell!r}")
        values.append((_count(doc, i + 1, match.group(1), code), int(match.group(2))))
    return _Bands(title + 1, i + 1, tuple(values)), i + 1


def _read_responses(doc: Path, lines: list[str], header: int) -> tuple[_Responses, int]:
    """The header, exactly seven labelled rows, then the 'Average point score' line."""
    rows: list[_Response] = []
    i = header + 1
    for code, _, label in RESPONSE_ROWS:
        if i >= len(lines):
            raise ExtractionError(doc, len(lines), f"document ends before response row {label!r}")
        cells = _cells(lines[i])
        if not cells or _dash_insensitive(cells[0]) != label:
            raise ExtractionError(doc, i + 1, f"expected response row {label!r}, found {lines[i]!r}")
        if len(cells) != 5:
            raise ExtractionError(doc, i + 1, f"expected label, 3 counts and a percentage, found {lines[i]!r}")
        leaders, frontline, total = (_count(doc, i + 1, cell, code) for cell in cells[1:4])
        percent = _percent(doc, i + 1, cells[4], code)
        rows.append(_Response(i + 1, cells[0], (leaders, frontline, total), percent))
        i += 1
    cells = _cells(lines[i]) if i < len(lines) else []
    if not cells or cells[0] != AVERAGE_LABEL:
        found = repr(lines[i]) if i < len(lines) else "the end of the document"
        raise ExtractionError(doc, min(i + 1, len(lines)), f"expected {AVERAGE_LABEL!r} line, found {found}")
    if len(cells) != 4 or not all(AVERAGE_RE.match(c) for c in cells[1:]):
        raise ExtractionError(doc, i + 1, f"expected three averages 'd.dd', found {lines[i]!r}")
    leaders_avg, frontline_avg, total_avg = (Decimal(c) for c in cells[1:])
    return _Responses(header + 1, tuple(rows), i + 1, (leaders_avg, frontline_avg, total_avg)), i + 1


# --------------------------------------------------------------------------------------------
# Pass 2: assemble questions in order
# --------------------------------------------------------------------------------------------


@dataclass
class _Document:
    heading_lines: list[int]
    questions: list[_Question]


def _missing_part(question: _Question) -> str:
    """The first part, in reading order, that the question being assembled still lacks."""
    parts = (
        (question.title, "its title"),
        (question.descriptors, "its descriptor table"),
        (question.bands, "its band table"),
        (question.responses, "its response table"),
    )
    return next((name for block, name in parts if block is None), "nothing")


def _describe(question: _Question, expected_id: int) -> str:
    return f"question {question.title.question_id if question.title else expected_id}"


def _assemble(doc: Path, lines: list[str], blocks: list[_Block]) -> _Document:
    heading_lines: list[int] = []
    done: list[_Question] = []
    current: _Question | None = None
    for block in blocks:
        expected_id = len(done) + 1
        if isinstance(block, _Heading):
            if current is not None:
                raise ExtractionError(
                    doc,
                    block.line,
                    f"{_describe(current, expected_id)} lacks {_missing_part(current)}, found a practice heading",
                )
            _check_heading(doc, block, len(heading_lines), expected_id)
            heading_lines.append(block.line)
        elif isinstance(block, _Prose):
            _check_prose(doc, block, current, len(heading_lines), len(done))
        else:
            if len(done) == QUESTION_COUNT:
                raise ExtractionError(doc, block.line, f"a table or title after question {QUESTION_COUNT}")
            current = current or _Question()
            _place(doc, block, current, expected_id, len(heading_lines))
            if current.responses is not None:
                done.append(current)
                current = None
    end = len(lines)
    if current is not None:
        raise ExtractionError(
            doc, end, f"document ends while {_describe(current, len(done) + 1)} lacks {_missing_part(current)}"
        )
    if len(heading_lines) != len(PRACTICES):
        raise ExtractionError(doc, end, f"expected {len(PRACTICES)} practice headings, found {len(heading_lines)}")
    if len(done) != QUESTION_COUNT:
        raise ExtractionError(doc, end, f"expected {QUESTION_COUNT} questions, found {len(done)}")
    return _Document(heading_lines, done)


def _check_prose(doc: Path, block: _Prose, current: _Question | None, headings_seen: int, done: int) -> None:
    """Text is allowed only before the first heading, in a practice's introduction, and after Q59."""
    if current is not None:
        raise ExtractionError(
            doc,
            block.line,
            f"unexpected text while {_describe(current, done + 1)} lacks {_missing_part(current)}: {block.text!r}",
        )
    if headings_seen == 0 or done == QUESTION_COUNT:
        return
    _, _, first, last = PRACTICES[headings_seen - 1]
    if done == first - 1:
        return  # the practice's introduction
    if done == last and headings_seen < len(PRACTICES):
        raise ExtractionError(
            doc,
            block.line,
            f"expected practice heading {PRACTICES[headings_seen][1]!r} after question {last}, "
            f"found text {block.text!r}",
        )
    raise ExtractionError(doc, block.line, f"unexpected text between questions {done} and {done + 1}: {block.text!r}")


def _check_heading(doc: Path, block: _Heading, seen: int, expected_id: int) -> None:
    if seen >= len(PRACTICES) or block.practice_index != seen:
        expected = PRACTICES[seen][1] if seen < len(PRACTICES) else "no further heading"
        raise ExtractionError(
            doc, block.line, f"expected practice heading {expected!r}, found {PRACTICES[block.practice_index][1]!r}"
        )
    first_id = PRACTICES[seen][2]
    if expected_id != first_id:
        raise ExtractionError(
            doc,
            block.line,
            f"heading {PRACTICES[seen][1]!r} should come before question {first_id}, "
            f"but the next question is {expected_id}",
        )


def _place(doc: Path, block: _Block, q: _Question, expected_id: int, headings_seen: int) -> None:
    """Put a block into the question being assembled, or fail if it is out of order."""
    if isinstance(block, _Title):
        if q.title is not None:
            raise ExtractionError(
                doc,
                block.line,
                f"question {block.question_id} title found while {_describe(q, expected_id)} lacks {_missing_part(q)}",
            )
        if block.question_id != expected_id:
            raise ExtractionError(
                doc, block.line, f"expected question {expected_id}, found question {block.question_id}"
            )
        if headings_seen == 0 or _practice_of(expected_id) != PRACTICES[headings_seen - 1]:
            raise ExtractionError(doc, block.line, f"practice heading missing before question {expected_id}")
        q.title = block
    elif isinstance(block, _Descriptors):
        if q.descriptors is not None or q.bands is not None:
            raise ExtractionError(
                doc, block.line, f"unexpected second descriptor table for {_describe(q, expected_id)}"
            )
        q.descriptors = block
    elif isinstance(block, _Bands):
        if q.title is None or q.descriptors is None or q.bands is not None:
            raise ExtractionError(
                doc, block.line, f"band table found but {_describe(q, expected_id)} lacks {_missing_part(q)}"
            )
        q.bands = block
    elif isinstance(block, _Responses):
        if q.bands is None:
            raise ExtractionError(
                doc, block.line, f"response table found but {_describe(q, expected_id)} lacks {_missing_part(q)}"
            )
        q.responses = block


# --------------------------------------------------------------------------------------------
# Rows
# --------------------------------------------------------------------------------------------


def extract(path: str | Path) -> dict[str, list[dict[str, Any]]]:
    """All six tables of the appendix, rows in document order; raises ExtractionError if anything is off."""
    doc = Path(path)
    lines = read_lines(doc)
    parsed = _assemble(doc, lines, _tokenise(doc, lines))
    return {
        PRACTICES_TABLE.name: _practice_rows(parsed),
        QUESTIONS_TABLE.name: _question_rows(parsed),
        DESCRIPTORS_TABLE.name: [row for q in parsed.questions for row in _descriptor_rows(q)],
        MEAN_SCORE_BANDS_TABLE.name: [row for q in parsed.questions for row in _band_rows(q)],
        RESPONSES_TABLE.name: [row for q in parsed.questions for row in _response_rows(q)],
        AVERAGE_SCORES_TABLE.name: [row for q in parsed.questions for row in _average_rows(q)],
    }


def _practice_of(question_id: int) -> tuple[str, str, int, int]:
    return next(p for p in PRACTICES if p[2] <= question_id <= p[3])


def _practice_rows(parsed: _Document) -> list[dict[str, Any]]:
    return [
        {
            "practice_code": code,
            "practice_name": name,
            "practice_order": order,
            "first_question_id": first,
            "last_question_id": last,
            "source_line": line,
        }
        for order, ((code, name, first, last), line) in enumerate(
            zip(PRACTICES, parsed.heading_lines, strict=False), start=1
        )
    ]


def _question_rows(parsed: _Document) -> list[dict[str, Any]]:
    rows = []
    for q in parsed.questions:
        assert q.title is not None
        code, _, first, last = _practice_of(q.title.question_id)
        rows.append(
            {
                "question_id": q.title.question_id,
                "practice_code": code,
                "question_text": q.title.text,
                "leaders_only": q.title.question_id in (first, last),
                "source_line": q.title.line,
            }
        )
    return rows


def _descriptor_rows(q: _Question) -> list[dict[str, Any]]:
    assert q.title is not None and q.descriptors is not None
    return [
        {
            "question_id": q.title.question_id,
            "point_score": d.point_score,
            "level_label": d.level_label,
            "descriptor_text": d.text,
            "source_line": d.line,
        }
        for d in q.descriptors.rows
    ]


def _band_rows(q: _Question) -> list[dict[str, Any]]:
    assert q.title is not None and q.bands is not None
    return [
        {
            "question_id": q.title.question_id,
            "cell_code": code,
            "cell_order": order,
            "trusts": trusts,
            "trusts_pct_published": pct,
            "source_line": q.bands.value_line,
        }
        for order, ((code, _), (trusts, pct)) in enumerate(zip(BAND_CELLS, q.bands.cells, strict=False), start=1)
    ]


def _response_rows(q: _Question) -> list[dict[str, Any]]:
    assert q.title is not None and q.responses is not None
    return [
        {
            "question_id": q.title.question_id,
            "response_code": code,
            "score": score,
            "response_label": r.label,
            "leaders_managers": r.counts[0],
            "frontline": r.counts[1],
            "total": r.counts[2],
            "proportion_pct_published": r.percent,
            "source_line": r.line,
        }
        for (code, score, _), r in zip(RESPONSE_ROWS, q.responses.rows, strict=False)
    ]


def _average_rows(q: _Question) -> list[dict[str, Any]]:
    assert q.title is not None and q.responses is not None
    return [
        {
            "question_id": q.title.question_id,
            "audience": audience,
            "avg_score_published": value,
            "source_line": q.responses.average_line,
        }
        for audience, value in zip(AVERAGE_AUDIENCES, q.responses.averages, strict=False)
    ]
