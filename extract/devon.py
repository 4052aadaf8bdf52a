"""Extract the Devon integrated-working progress report (September 2009) into raw tables.

The document is a PDF extraction: table cells are tab-separated and empty cells are kept as
empty tab fields, so a cell's meaning is given by its position. Each parser below walks the
lines from a printed anchor (a heading or header row), checks the shape it expects, and raises
`ExtractionError` at the offending line rather than returning a partial result.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from extract.writer import ExtractionError
from warehouse.documents import read_lines
from warehouse.tables.devon import (
    AREAS,
    CLUSTER_COUNT,
    EXPECTED_ITEMS,
    EXPECTED_QUESTIONS,
    PATHWAY_COUNT,
    SERVICE_NAMES,
    SERVICES,
)

Row = dict[str, Any]

# ---------------------------------------------------------------------------------------------
# Reading helpers
# ---------------------------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------------------------
# Intro: headline figures stated in the text
# ---------------------------------------------------------------------------------------------

_NUMBER_WORDS = {"two": 2, "three": 3}


@dataclass(frozen=True)
class _Headline:
    code: str
    pattern: str  # one capture group: the figure
    description: str
    unit: str
    qualifier: str | None = None


INTRO_HEADLINES = (
    _Headline(
        "axs_clusters",
        r"delivered through (\d+) AXS clusters",
        "AXS clusters through which the AXS Pathway is delivered",
        "clusters",
    ),
    _Headline(
        "operational_areas",
        r"grouped into (\d+) operational areas",
        "Operational areas the AXS clusters are grouped into (Northern, Southern, Eastern)",
        "areas",
    ),
    _Headline(
        "practitioners_trained_axs03",
        r"Approximately ([\d,]+) front line practitioners",
        "Front line practitioners who have received Integrated Working in Practice (AXS 03) training to date",
        "practitioners",
        "approximately",
    ),
    _Headline(
        "cafs_sep2007_aug2009",
        r"A total of (\d+) CAF's have been undertaken",
        "CAFs undertaken September 2007 to August 2009",
        "CAFs",
    ),
    _Headline(
        "icsd_service_groupings",
        r"establishing (two) service groupings",
        "Service groupings being established by the ICSD branch (Early / Further Response Services)",
        "groupings",
    ),
    _Headline(
        "early_response_managers",
        r"the (three) Early Response Services Managers",
        "Early Response Services Managers taking up posts (Northern, Southern, Eastern)",
        "managers",
    ),
)
FIG7_HEADLINES = (
    _Headline(
        "caf_episodes_sep2007_jun2009",
        r"^Total (\d+) CAF episodes",
        "CAF episodes, Fig 7 comment (by cluster, Sept 07 to June 09)",
        "CAFs",
    ),
)
FIG8_HEADLINES = (
    _Headline(
        "cafs_age_early_years",
        r"early year's age group \((\d+)\)",
        "CAFs undertaken with children in the early years age group (Fig 8 comment)",
        "CAFs",
    ),
    _Headline(
        "cafs_age_key_stage_2",
        r"Key Stage 2 \((\d+)\)",
        "CAFs undertaken with children in Key Stage 2 (Fig 8 comment)",
        "CAFs",
    ),
)
QA_HEADLINES = (
    _Headline(
        "qa_cluster_areas_assessed",
        r"CAFs in (\d+) cluster areas has been assessed",
        "Cluster areas whose CAFs have been quality-assessed so far (Fig 17 comment)",
        "clusters",
    ),
)


def _headlines(doc: _Doc, specs: tuple[_Headline, ...], start: int, stop: str) -> list[Row]:
    rows = []
    for spec in specs:
        i = doc.find(spec.pattern, start, f"the figure '{spec.code}' ({spec.pattern!r})", stop)
        printed = re.search(spec.pattern, doc.lines[i]).group(1)
        value = Decimal(_NUMBER_WORDS[printed]) if printed in _NUMBER_WORDS else doc.decimal(i, printed, spec.code)
        rows.append(
            {
                "figure_code": spec.code,
                "description": spec.description,
                "value": value,
                "value_printed": printed,
                "qualifier": spec.qualifier,
                "unit": spec.unit,
                "source_line": i + 1,
            }
        )
    return rows


# ---------------------------------------------------------------------------------------------
# The AXS self-assessment template
# ---------------------------------------------------------------------------------------------

_SECTION_NUMBERS = {"One": 1, "Two": 2, "Three": 3, "Four": 4}
_FOLLOW_UP_PROMPTS = ("What role do they take?", "If yes, please give a brief description")


@dataclass
class _Item:
    code: str
    section_no: int
    section_title: str
    question_no: int
    question_text: str
    sub_item_text: str | None
    kind: str
    line: int
    comment: str | None = None


@dataclass
class _Template:
    items: list[_Item] = field(default_factory=list)
    options: list[Row] = field(default_factory=list)
    marks: list[Row] = field(default_factory=list)
    free_text: list[Row] = field(default_factory=list)


@dataclass
class _Question:
    section_no: int
    section_title: str
    number: int
    text: str
    line: int
    has_sub_items: bool = False
    has_table: bool = False
    pending_label: tuple[str, int] | None = None  # a label line waiting for its table

    def code(self) -> str:
        return f"s{self.section_no}_q{self.number:02d}"


def _header_suffixes(doc: _Doc, index: int, cells: list[str]) -> dict[int, str]:
    """Check a service header; return the words still missing from names broken onto a later line."""
    if len(cells) != len(SERVICE_NAMES):
        raise doc.fail(
            index,
            f"expected a template header of the 7 services {SERVICE_NAMES}, found {len(cells)} cells: {doc.text_at(index)}",
        )
    missing: dict[int, str] = {}
    for j, (cell, name) in enumerate(zip(cells, SERVICE_NAMES, strict=False)):
        if cell == name:
            continue
        if cell and name.startswith(cell + " "):
            missing[j] = name[len(cell) + 1 :]
            continue
        raise doc.fail(index, f"expected service header {name!r} in column {j + 2}, found {cell!r}")
    return missing


def _is_header_fragment(service_cells: list[str]) -> bool:
    """A line holding only the trailing words of broken service names ('Centre', 'Care')."""
    filled = [(j, c) for j, c in enumerate(service_cells) if c.strip()]
    return bool(filled) and all(SERVICE_NAMES[j].endswith(" " + c.strip()) for j, c in filled)


def _free_text_rows(code: str, prompt: str | None, answers: list[str], line: int) -> list[Row]:
    return [
        {
            "item_code": code,
            "service_code": scode,
            "prompt_text": prompt,
            "answer_text": answer or None,
            "source_line": line,
        }
        for (scode, _), answer in zip(SERVICES, answers, strict=False)
    ]


def _parse_choice_table(doc: _Doc, header: int, code: str, out: _Template) -> int:
    """Parse a choice table (and any 'Describe this' row) from its header; return the next line index."""
    cells = doc.cells(header, 9, "a template choice-table header (empty, the 7 services, Total)")
    if cells[0] != "" or cells[8] != "Total":
        raise doc.fail(
            header, f"expected a choice-table header '<empty> 7 services Total', found {doc.text_at(header)}"
        )
    missing = _header_suffixes(doc, header, cells[1:8])
    describe: list[Row] = []
    option_order = 0
    i = header + 1
    while i < len(doc.lines):
        line = doc.lines[i]
        if not line.strip():
            i += 1
            continue
        if "\t" not in line:
            break
        cells = doc.cells(i, 9, f"a choice-table row of {code}")
        label, service_cells, total = cells[0].strip(), cells[1:8], cells[8].strip()
        if _is_rule(cells):
            pass
        elif not label and _is_header_fragment(service_cells):
            for j, c in enumerate(service_cells):
                if c.strip() and missing.get(j) == c.strip():
                    del missing[j]
        elif label == "Describe this":
            if total:
                raise doc.fail(i, f"expected an empty Total cell on the 'Describe this' row, found {total!r}")
            describe = _free_text_rows(code, label, [c.strip() for c in service_cells], i + 1)
        elif not label:
            raise doc.fail(i, f"expected an option label in the first cell of {code}, found an empty cell")
        else:
            option_order += 1
            out.options.append(
                {
                    "item_code": code,
                    "option_order": option_order,
                    "option_text": label,
                    "total_published": doc.integer(i, total, f"Total for option {label!r}"),
                    "source_line": i + 1,
                }
            )
            for (scode, _), cell in zip(SERVICES, service_cells, strict=False):
                text = cell.strip() or None
                mark = int(text) if text is not None and text.isdigit() else None
                out.marks.append(
                    {
                        "item_code": code,
                        "option_order": option_order,
                        "service_code": scode,
                        "cell_text": text,
                        "mark": mark,
                        "source_line": i + 1,
                    }
                )
        i += 1
    if missing:
        raise doc.fail(header, f"expected the rest of the broken header names {sorted(missing.values())}, found none")
    if option_order == 0:
        raise doc.fail(header, f"expected option rows under the header of {code}, found none")
    out.free_text.extend(describe)
    return i


def _parse_free_text_table(doc: _Doc, header: int, code: str, prompt: str | None, out: _Template) -> int:
    """Parse a free-text header and its answer lines (possibly wrapped); return the next line index."""
    missing = _header_suffixes(doc, header, doc.cells(header, 7, "a template free-text header (the 7 services)"))
    pieces: list[list[str]] = [[] for _ in SERVICES]
    first_answer: int | None = None
    i = header + 1
    while i < len(doc.lines):
        line = doc.lines[i]
        if not line.strip():
            i += 1
            continue
        if "\t" not in line:
            break
        cells = doc.cells(i, 7, f"a free-text answer row of {code}")
        if not _is_rule(cells):
            first_answer = i if first_answer is None else first_answer
            for j, cell in enumerate(cells):
                if missing.get(j) == cell.strip():
                    del missing[j]  # the broken header's last word, printed among the answers
                elif cell.strip():
                    pieces[j].append(cell.strip())
        i += 1
    if first_answer is None:
        raise doc.fail(header, f"expected an answer row under the free-text header of {code}, found none")
    if missing:
        raise doc.fail(header, f"expected the rest of the broken header names {sorted(missing.values())}, found none")
    out.free_text.extend(_free_text_rows(code, prompt, [" ".join(p) for p in pieces], first_answer + 1))
    return i


def _new_item(q: _Question, sub_label: str | None, kind: str, line: int, out: _Template) -> str:
    code = q.code()
    if sub_label is not None:
        letter = chr(ord("a") + sum(1 for it in out.items if it.code.startswith(code + "_")))
        code = f"{code}_{letter}"
    out.items.append(_Item(code, q.section_no, q.section_title, q.number, q.text, sub_label, kind, line))
    return code


def _parse_template(doc: _Doc, start: int, end: int) -> _Template:
    """Walk the template lines: sections, numbered questions, labels and their tables."""
    out = _Template()
    section: tuple[int, str] | None = None
    q: _Question | None = None
    i = start
    while i < end:
        raw = doc.lines[i]
        text = raw.replace("**", "").strip()
        if not text:
            i += 1
            continue
        m_section = re.fullmatch(r"Section (One|Two|Three|Four): (.+)", text)
        m_question = re.fullmatch(r"(\d+)\. (.+)", text)
        if m_section:
            section = (_SECTION_NUMBERS[m_section.group(1)], m_section.group(2))
            q = None
        elif m_question and "\t" not in raw:
            if section is None:
                raise doc.fail(i, f"expected a 'Section …:' heading before question, found {doc.text_at(i)}")
            q = _Question(section[0], section[1], int(m_question.group(1)), m_question.group(2), i + 1)
        elif q is None:
            raise doc.fail(i, f"expected a numbered question, found {doc.text_at(i)}")
        elif raw.startswith("\tPolice"):
            label = q.pending_label
            q.has_sub_items = q.has_sub_items or label is not None
            code = _new_item(q, label[0] if label else None, "choice", label[1] if label else q.line, out)
            q.pending_label, q.has_table = None, True
            i = _parse_choice_table(doc, i, code, out)
            continue
        elif raw.startswith("Police\t"):
            i = _parse_free_text_header(doc, i, q, out)
            continue
        elif "\t" in raw:
            raise doc.fail(i, f"expected a template header row, found {doc.text_at(i)}")
        elif re.fullmatch(r"From a Total of\s*:", text):
            pass  # an unfilled form field under the question
        elif text.startswith("Comment:"):
            if not out.items:
                raise doc.fail(i, "expected a template item before 'Comment:'")
            out.items[-1].comment = text
        else:
            if q.pending_label is not None:
                raise doc.fail(i, f"expected a table under {q.pending_label[0]!r}, found {doc.text_at(i)}")
            q.pending_label = (text.rstrip(":").strip(), i + 1)
        i += 1
    return out


def _parse_free_text_header(doc: _Doc, i: int, q: _Question, out: _Template) -> int:
    """A free-text table is either a follow-up prompt of a choice question, or its own item."""
    label = q.pending_label
    q.pending_label = None
    if label is not None and q.has_table and not q.has_sub_items:
        if label[0] not in _FOLLOW_UP_PROMPTS:
            raise doc.fail(label[1] - 1, f"expected a follow-up prompt {_FOLLOW_UP_PROMPTS}, found {label[0]!r}")
        if not out.items or not out.items[-1].code.startswith(q.code()):
            raise doc.fail(i, f"expected a choice item of {q.code()} before the follow-up prompt")
        return _parse_free_text_table(doc, i, out.items[-1].code, label[0], out)
    if label is None and q.has_table:
        raise doc.fail(i, f"expected a label before the second table of {q.code()}")
    code = _new_item(q, label[0] if label else None, "free_text", label[1] if label else q.line, out)
    q.has_table = True
    return _parse_free_text_table(doc, i, code, None, out)


def _check_template(doc: _Doc, out: _Template, start: int) -> None:
    """The template must have the 4 sections and the item counts seen by eye."""
    for section, expected in EXPECTED_ITEMS.items():
        items = [it for it in out.items if it.section_no == section]
        questions = sorted({it.question_no for it in items})
        if questions != list(range(1, EXPECTED_QUESTIONS[section] + 1)):
            raise doc.fail(
                start,
                f"expected questions 1-{EXPECTED_QUESTIONS[section]} in template section {section}, found {questions}",
            )
        if len(items) != expected:
            raise doc.fail(
                start, f"expected {expected} answerable items in template section {section}, found {len(items)}"
            )


def _item_row(item: _Item) -> Row:
    return {
        "item_code": item.code,
        "section_no": item.section_no,
        "section_title": item.section_title,
        "question_no": item.question_no,
        "question_text": item.question_text,
        "sub_item_text": item.sub_item_text,
        "item_kind": item.kind,
        "comment_text": item.comment,
        "source_line": item.line,
    }


# ---------------------------------------------------------------------------------------------
# Appendix 3 Part Three: pathway switch-off dates
# ---------------------------------------------------------------------------------------------


@dataclass
class _Pathway:
    name: str
    measures: list[str]
    discretionary: str | None = None
    dates: tuple[str, str, str] | None = None
    dates_line: int = 0


def _parse_pathways(doc: _Doc, start: int) -> tuple[list[Row], int]:
    header = doc.find(r"^Pathway\t", start, "the Part Three header 'Pathway'", stop=r"^Performance report")
    if doc.cells(header + 1, 4, "the operational-area header")[1:] != list(AREAS):
        raise doc.fail(header + 1, f"expected operational areas {AREAS}, found {doc.text_at(header + 1)}")
    end = doc.find(r"^AXS Integrated working update", header, "the end of the Part Three table")
    pathways: list[_Pathway] = []
    for i in range(header + 2, end):
        if not doc.lines[i].strip():
            continue
        first, *areas = doc.cells(i, 4, "a Part Three pathway row")
        areas = [a.strip() for a in areas]
        name = re.search(r"<u>(.*?)</u>", first)
        text = _strip_markup(first.replace(name.group(0), "") if name else first)
        if name:
            pathways.append(_Pathway(_strip_markup(name.group(1)), []))
        elif not pathways:
            raise doc.fail(i, f"expected an underlined pathway name, found {doc.text_at(i)}")
        current = pathways[-1]
        if all(areas):
            if current.dates is not None:
                raise doc.fail(i, f"expected one row of area dates for {current.name!r}, found a second")
            current.dates, current.dates_line = (areas[0], areas[1], areas[2]), i + 1
            current.measures.append(text)
        elif areas[0] and not any(areas[1:]):
            current.measures.append(text)  # a note spanning the area columns
            current.discretionary = _strip_markup(areas[0])
        elif not any(areas) and text.startswith("Discretionary"):
            current.discretionary = text
        elif not any(areas):
            current.measures.append(text)
        else:
            raise doc.fail(i, f"expected 3 area cells or a note, found {areas}")
    if len(pathways) != PATHWAY_COUNT:
        raise doc.fail(header, f"expected {PATHWAY_COUNT} pathways in Part Three, found {len(pathways)}")
    rows: list[Row] = []
    for order, p in enumerate(pathways, start=1):
        if p.dates is None:
            raise doc.fail(header, f"expected area dates for pathway {p.name!r}, found none")
        for area, cell in zip(AREAS, p.dates, strict=False):
            rows.append(
                {
                    "pathway": p.name,
                    "pathway_order": order,
                    "measures_text": " ".join(m for m in p.measures if m),
                    "operational_area": area,
                    "switch_off_text": cell,
                    "switch_off_date": _ddmmyy(cell),
                    "discretionary_text": p.discretionary,
                    "source_line": p.dates_line,
                }
            )
    return rows, end


def _ddmmyy(text: str) -> str | None:
    m = re.fullmatch(r"(\d\d)\.(\d\d)\.(\d\d)", text)
    return f"20{m.group(3)}-{m.group(2)}-{m.group(1)}" if m else None


# ---------------------------------------------------------------------------------------------
# Performance report, Section 1: review outcomes, review comments, parent self-report
# ---------------------------------------------------------------------------------------------

_REVIEW_GROUPS = (
    ("child_young_person", "children and young people"),
    ("parent_carer", "parent/carers"),
    ("lead_professional", "lead professionals"),
)


def _parse_review_outcomes(doc: _Doc, start: int) -> tuple[list[Row], int]:
    i = doc.find(
        r"outcomes were completely achieved",
        start,
        "the Figure 1 comment on completely achieved outcomes",
        stop=r"^Parent Self Report",
    )
    rows = []
    for group, label in _REVIEW_GROUPS:
        m = re.search(r"(\d+\.\d)% of " + re.escape(label), doc.lines[i])
        if not m:
            raise doc.fail(i, f"expected 'P% of {label}', found {doc.text_at(i)}")
        rows.append(
            {
                "respondent_group": group,
                "respondent_label": label,
                "measure": "completely_achieved",
                "pct_published": Decimal(m.group(1)),
                "source_line": i + 1,
            }
        )
    return rows, i + 1


_RESPONDENTS = ("child", "parent_carer", "lead_professional")


def _repair_broken_word(text: str) -> str:
    """The PDF splits 'Completely' with a space ('Compl etely'); rejoin only that word."""
    return "Completely" if text.replace(" ", "") == "Completely" else text


def _parse_review_comments(doc: _Doc, start: int) -> tuple[list[Row], int]:
    header = doc.find(r"^Month I/A\t", start, "the review comments header 'Month I/A'", stop=r"^Parent Self Report")
    doc.cells(header, 8, "the review comments header")
    if [c.strip() for c in doc.cells(header + 1, 8, "the review comments sub-header")[2:]] != ["Score", "Comments"] * 3:
        raise doc.fail(header + 1, f"expected 'Score / Comments' for 3 views, found {doc.text_at(header + 1)}")
    rows: list[Row] = []
    review = 0
    i = header + 2
    while i < len(doc.lines) and (not doc.lines[i].strip() or "\t" in doc.lines[i]):
        if not doc.lines[i].strip():
            i += 1
            continue
        cells = doc.cells(i, 8, "a review comments row")
        if _is_rule(cells):
            i += 1
            continue
        review += 1
        month, age = cells[0].strip() or None, cells[1].strip()
        for k, respondent in enumerate(_RESPONDENTS):
            score, comment = cells[2 + 2 * k].strip() or None, cells[3 + 2 * k].strip() or None
            is_number = score is not None and re.fullmatch(r"\d+(\.\d+)?", score)
            rows.append(
                {
                    "review_order": review,
                    "month_ia": month,
                    "age": doc.integer(i, age, "age") if age else None,
                    "respondent": respondent,
                    "score_printed": score,
                    "score_text": _repair_broken_word(score) if score else None,
                    "score_value": Decimal(score) if is_number else None,
                    "comment": comment,
                    "source_line": i + 1,
                }
            )
        i += 1
    if review == 0:
        raise doc.fail(header, "expected review rows under the review comments header, found none")
    return rows, i


_PARENT_MEASURES = (
    ("satisfied", "satisfied", "Parents satisfied or very satisfied with the service received"),
    ("knowledge_increased", "knowledge", "Parents whose knowledge of services available for their child increased"),
    (
        "confidence_increased",
        "confidence",
        "Parents with increased confidence in getting the services their child needs",
    ),
    ("issues_improved", "improvement", "Parents reporting an improvement in the original presenting issues"),
)


def _parse_parent_feedback(doc: _Doc, start: int) -> tuple[list[Row], int]:
    i = doc.find(r"^Parent Self Report", start, "the 'Parent Self Report' heading", stop=r"^Section 2 CAF Totals")
    rows = []
    for code, anchor, description in _PARENT_MEASURES:
        i = doc.find(
            r"\d+\.\d% \(\d+/\d+\)",
            i + 1,
            f"the parent measure '{code}' printed as 'P% (n/d)'",
            stop=r"^Section 2 CAF Totals",
        )
        if anchor not in doc.lines[i]:
            raise doc.fail(i, f"expected the parent measure '{code}' (mentioning {anchor!r}), found {doc.text_at(i)}")
        m = re.search(r"(\d+\.\d)% \((\d+)/(\d+)\)", doc.lines[i])
        rows.append(
            {
                "measure": code,
                "description": description,
                "numerator": int(m.group(2)),
                "denominator": int(m.group(3)),
                "pct_published": Decimal(m.group(1)),
                "source_line": i + 1,
            }
        )
    return rows, i + 1


# ---------------------------------------------------------------------------------------------
# Performance report, Section 3: practitioner activity (Figs 10, 11)
# ---------------------------------------------------------------------------------------------

_BUCKETS = (
    ("more_than_10", r"more than 10"),
    ("between_5_and_10", r"between 5"),
    ("more_than_1", r"more than (1|once)\b"),
    ("exactly_1", r"(one|once) so far"),
)


def _parse_activity(doc: _Doc, start: int, figure: str, role: str, stop: str) -> tuple[list[Row], int]:
    heading = doc.find(rf"^{figure} ", start, f"the '{figure}' heading", stop=stop)
    rows = []
    i = heading
    for bucket, pattern in _BUCKETS:
        i = doc.find(r"^\s*-\s*\d+(\.\d+)?% ", i + 1, f"the '{figure}' bullet for {bucket}", stop=stop)
        m = re.fullmatch(r"\s*-\s*(\d+(?:\.\d+)?)% (.+?)(?:,? and|,)?\s*", doc.lines[i])
        if not m or not re.search(pattern, m.group(2)):
            raise doc.fail(i, f"expected the {figure} bucket {bucket} ({pattern!r}), found {doc.text_at(i)}")
        rows.append(
            {
                "figure": figure,
                "role": role,
                "bucket": bucket,
                "bucket_label": m.group(2),
                "pct_published": Decimal(m.group(1)),
                "source_line": i + 1,
            }
        )
    return rows, i + 1


# ---------------------------------------------------------------------------------------------
# Cluster tables: Figs 14, 15, 16, 17
# ---------------------------------------------------------------------------------------------


def _table_rows(doc: _Doc, header: int, width: int, what: str) -> list[tuple[int, list[str]]]:
    """Rows under a header up to the first blank line, each checked to have `width` cells."""
    rows = []
    i = header + 1
    while i < len(doc.lines) and doc.lines[i].strip():
        rows.append((i, doc.cells(i, width, what)))
        i += 1
    return rows


def _expect_cluster_rows(
    doc: _Doc, header: int, rows: list[tuple[int, list[str]]], with_total: bool, what: str
) -> None:
    expected = CLUSTER_COUNT + (1 if with_total else 0)
    if len(rows) != expected:
        at = rows[-1][0] if rows else header
        raise doc.fail(
            at,
            f"expected {expected} rows in {what} ({CLUSTER_COUNT} clusters{' + Total' if with_total else ''}), found {len(rows)}",
        )
    if with_total and rows[-1][1][0].strip() != "Total":
        raise doc.fail(rows[-1][0], f"expected the 'Total' row of {what}, found {doc.text_at(rows[-1][0])}")
    for i, cells in rows[:CLUSTER_COUNT]:
        if cells[0].strip() in ("", "Total"):
            raise doc.fail(i, f"expected a cluster name in {what}, found {cells[0]!r}")


def _parse_fig14(doc: _Doc, start: int) -> tuple[list[Row], int]:
    heading = doc.find(r"^Fig 14 ", start, "the 'Fig 14' heading", stop=r"^Section 5 CAF's Predicted")
    header = doc.find(r"^AXS Cluster\t", heading, "the Fig 14 header 'AXS Cluster'", stop=r"^Section 5 ")
    doc.cells(header, 4, "the Fig 14 header")
    rows = _table_rows(doc, header, 4, "a Fig 14 row")
    _expect_cluster_rows(doc, header, rows, True, "Fig 14")
    out = []
    for order, (i, (name, cafs, population, rate)) in enumerate(rows, start=1):
        rate = rate.strip()
        out.append(
            {
                "cluster_name": name.strip(),
                "row_order": order,
                "is_total": name.strip() == "Total",
                "cafs": doc.integer(i, cafs, "CAF count"),
                "population_0_19": doc.integer(i, population, "0-19 population"),
                "cafs_per_1000_published": None if rate == "N/A" else doc.decimal(i, rate, "CAFs per 1000"),
                "cafs_per_1000_text": rate,
                "source_line": i + 1,
            }
        )
    return out, rows[-1][0] + 1


def _parse_idaci(doc: _Doc, start: int, figure: str, scenario: int, stop: str) -> tuple[list[Row], int]:
    heading = doc.find(rf"^{figure} ", start, f"the '{figure}' heading", stop=stop)
    header = doc.find(r"^Cluster\tAs %\t", heading, f"the {figure} header 'Cluster / As %'", stop=stop)
    doc.cells(header, 5, f"the {figure} header")
    rows = _table_rows(doc, header, 5, f"a {figure} row")
    _expect_cluster_rows(doc, header, rows, True, figure)
    out = []
    for order, (i, (name, share, predicted, actual, difference)) in enumerate(rows, start=1):
        out.append(
            {
                "scenario_total": scenario,
                "figure": figure,
                "cluster_name": name.strip(),
                "row_order": order,
                "is_total": name.strip() == "Total",
                "idaci_share_pct_published": doc.decimal(i, share, "IDACI share %"),
                "predicted_cafs_published": doc.decimal(i, predicted, "predicted CAFs"),
                "actual_cafs": doc.integer(i, actual, "actual CAFs"),
                "difference_published": doc.decimal(i, difference, "difference"),
                "source_line": i + 1,
            }
        )
    return out, rows[-1][0] + 1


def _parse_fig17(doc: _Doc, start: int) -> tuple[list[Row], int]:
    heading = doc.find(r"^Fig 17 ", start, "the 'Fig 17' heading", stop=r"^Section 8 ")
    header = heading + 1 + next((k for k, line in enumerate(doc.lines[heading + 1 :]) if line.strip()), 0)
    cells = doc.cells(header, 4, "the Fig 17 header")
    if [c.strip() for c in cells] != ["", "Lowest Score", "Highest Score", "Average Score"]:
        raise doc.fail(
            header, f"expected the Fig 17 header 'Lowest / Highest / Average Score', found {doc.text_at(header)}"
        )
    rows = _table_rows(doc, header, 4, "a Fig 17 row")
    _expect_cluster_rows(doc, header, rows, False, "Fig 17")
    out = []
    for order, (i, (name, *scores)) in enumerate(rows, start=1):
        values = [_qa_score(doc, i, s) for s in scores]
        out.append(
            {
                "cluster_name": name.strip(),
                "row_order": order,
                "has_data": any(v is not None for v in values),
                "lowest_pct_published": values[0],
                "highest_pct_published": values[1],
                "average_pct_published": values[2],
                "source_line": i + 1,
            }
        )
    return out, rows[-1][0] + 1


def _qa_score(doc: _Doc, index: int, text: str) -> int | None:
    text = text.strip()
    if text == "No Data":
        return None
    if not re.fullmatch(r"\d+%", text):
        raise doc.fail(index, f"expected a Fig 17 score 'NN%' or 'No Data', found {text!r}")
    return int(text[:-1])


# ---------------------------------------------------------------------------------------------
# Section 6: budget-holding lead professional spend
# ---------------------------------------------------------------------------------------------

_SPEND_LINES = (
    ("total_spend_to_date", "Total Spend to date", "to date"),
    ("total_expenditure_2008_09", "Total Expenditure 08/09", "2008/09"),
    ("year_to_date_spend", "Year to date Spend", "year to date"),
    ("average_monthly_expenditure", "Average monthly exp", "per month (average)"),
    ("highest_spend", "Highest Spend", None),
    ("lowest_spend", "Lowest Spend", None),
)
_SPEND_COMMENT = (
    ("spend_services_interventions", r"services and interventions with £([\d,.]+)", "services and interventions"),
    ("spend_childcare", r"Childcare is also an area of high spend, with £([\d,.]+)", "Childcare"),
)
_SPEND_COMMENT_PERIOD = "since April 2009 (chart: 1st April to 1st June 2009)"


def _parse_spend(doc: _Doc, start: int) -> tuple[list[Row], int]:
    i = doc.find(
        r"^Section 6 Budget Holding",
        start,
        "the 'Section 6 Budget Holding Lead Professional Spend' heading",
        stop=r"^Section 7 ",
    )
    rows = []
    for code, label, period in _SPEND_LINES:
        i = doc.find(r"£", i + 1, f"the spend line {label!r}", stop=r"^Fig\. 16 ")
        m = re.fullmatch(r"\s*(.+?)\s*[-–]\s*£([\d,]+(?:\.\d+)?)\s*", doc.lines[i])
        if not m or m.group(1) != label:
            raise doc.fail(i, f"expected '{label} – £amount', found {doc.text_at(i)}")
        rows.append(_spend_row(doc, i, code, label, m.group(2), period))
    comment = doc.find(r"services and interventions with £", i + 1, "the Fig. 16 spend comment", stop=r"^Section 7 ")
    for code, pattern, label in _SPEND_COMMENT:
        m = re.search(pattern, doc.lines[comment])
        if not m:
            raise doc.fail(comment, f"expected the {label!r} spend figure, found {doc.text_at(comment)}")
        rows.append(_spend_row(doc, comment, code, label, m.group(1).rstrip("."), _SPEND_COMMENT_PERIOD))
    return rows, comment + 1


def _spend_row(doc: _Doc, index: int, code: str, label: str, printed: str, period: str | None) -> Row:
    return {
        "measure": code,
        "label": label,
        "amount_gbp": doc.decimal(index, printed, f"£ amount for {label!r}"),
        "amount_printed": printed,
        "period": period,
        "source_line": index + 1,
    }


# ---------------------------------------------------------------------------------------------
# Fig 20: AXS03 training by organisation and service
# ---------------------------------------------------------------------------------------------


def _parse_training(doc: _Doc, start: int) -> list[Row]:
    heading = doc.find(r"^Fig 20 ", start, "the 'Fig 20' heading")
    header = doc.find(r"^Organisation\tService Area\t", heading, "the Fig 20 header 'Organisation / Service Area'")
    doc.cells(header, 3, "the Fig 20 header")
    rows: list[Row] = []
    carried: str | None = None
    for i in range(header + 1, len(doc.lines)):
        if not doc.lines[i].strip():
            continue
        printed, service, trained = (c.strip() for c in doc.cells(i, 3, "a Fig 20 row"))
        is_grand = printed.startswith("Total ")
        is_total = is_grand or printed.endswith(" Total")
        if is_grand:
            carried = None
        elif printed:
            carried = printed[: -len(" Total")] if is_total else printed
        elif carried is None:
            raise doc.fail(i, f"expected an organisation for the service area {service!r}, found none above")
        rows.append(
            {
                "row_order": len(rows) + 1,
                "organisation": carried,
                "organisation_printed": printed or None,
                "service_area": service or None,
                "is_total_row": is_total,
                "is_grand_total": is_grand,
                "trained": doc.integer(i, trained, "trained count") if trained else None,
                "source_line": i + 1,
            }
        )
        if is_total:
            carried = None
    if not rows or not rows[-1]["is_grand_total"]:
        last = rows[-1]["source_line"] - 1 if rows else header
        raise doc.fail(
            last, f"expected the Fig 20 grand total row 'Total AXS03 Training' last, found {doc.text_at(last)}"
        )
    return rows


# ---------------------------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------------------------

_TEMPLATE_START = r"^AXS Partnership Agreement - IW Self Assessment Template"
_TEMPLATE_END = r"^Proposed CAF Interface with Other Assessments"


def extract(path: str | Path) -> dict[str, list[Row]]:
    """Every devon table, keyed by Table.name; rows in document order. Raises ExtractionError."""
    doc = _Doc(path)
    template_start = doc.find(_TEMPLATE_START, 0, "the self-assessment template heading")
    template_end = doc.find(_TEMPLATE_END, template_start, "the pathway alignment heading after the template")
    headlines = _headlines(doc, INTRO_HEADLINES, 0, _TEMPLATE_START)

    template = _parse_template(doc, template_start + 1, template_end)
    _check_template(doc, template, template_start)
    first_header = doc.find(r"^\tPolice\t", template_start, "the first template header")

    part_three = doc.find(r"^Part Three:", template_end, "the 'Part Three' programme heading")
    pathways, cursor = _parse_pathways(doc, part_three)
    figure1 = doc.find(r"^Figure 1: CAF Review Data", cursor, "the 'Figure 1: CAF Review Data' heading")
    outcomes, cursor = _parse_review_outcomes(doc, figure1)
    comments, cursor = _parse_review_comments(doc, cursor)
    parents, cursor = _parse_parent_feedback(doc, cursor)

    fig7 = doc.find(r"^Fig 7 ", cursor, "the 'Fig 7' heading")
    headlines += _headlines(doc, FIG7_HEADLINES, fig7, r"^Fig 8 ")
    fig8 = doc.find(r"^Fig 8 ", fig7, "the 'Fig 8' heading")
    headlines += _headlines(doc, FIG8_HEADLINES, fig8, r"^Fig 9 ")

    fig10, cursor = _parse_activity(doc, fig8, "Fig 10", "caf_assessor", r"^Fig 11 ")
    fig11, cursor = _parse_activity(doc, cursor, "Fig 11", "lead_professional", r"^Fig 21 |^Section 4 ")
    clusters, cursor = _parse_fig14(doc, cursor)
    fig15, cursor = _parse_idaci(doc, cursor, "Fig 15", 867, r"^Fig16 ")
    fig16, cursor = _parse_idaci(doc, cursor, "Fig16", 5000, r"^Section 6 ")
    spend, cursor = _parse_spend(doc, cursor)
    qa, cursor = _parse_fig17(doc, cursor)
    headlines += _headlines(doc, QA_HEADLINES, cursor, r"^Section 8 ")
    training = _parse_training(doc, cursor)

    return {
        "services": [
            {"service_code": code, "service_name": name, "service_order": k, "source_line": first_header + 1}
            for k, (code, name) in enumerate(SERVICES, start=1)
        ],
        "template_items": [_item_row(it) for it in template.items],
        "template_options": template.options,
        "template_marks": template.marks,
        "template_free_text": sorted(template.free_text, key=_by_line),
        "pathway_switch_off": pathways,
        "caf_review_outcomes": outcomes,
        "review_comments": comments,
        "parent_feedback": parents,
        "practitioner_activity": fig10 + fig11,
        "cluster_cafs": clusters,
        "idaci_predictions": fig15 + fig16,
        "bhlp_spend": spend,
        "qa_scores": qa,
        "training_by_service": training,
        "headline_figures": sorted(headlines, key=_by_line),
    }


def _by_line(row: Row) -> int:
    return row["source_line"]
