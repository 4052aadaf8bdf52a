"""The AXS self-assessment template answered by the seven services."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extract.devon.reading import (
    Row,
    _Doc,
    _is_rule,
)
from warehouse.tables.devon import (
    EXPECTED_ITEMS,
    EXPECTED_QUESTIONS,
    SERVICE_NAMES,
    SERVICES,
)

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
