"""Every prose line of both documents that states a number or a quantity is in the claims register.

A line is prose unless it is part of a table: it contains a tab (the text extraction separates
table cells with tabs; no paragraph holds one), or a row of a raw *table* file cites it as its
``source_line``. The raw files the extractor read out of sentences and comment lists, not
tables, do not make their lines table rows. A prose line needs a claim or an exclusion when it
holds a digit or a quantifier word (the issue's list, widened by fractions and their kin).
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from warehouse.config import settings
from warehouse.quality.claims import load_register

# Raw files whose rows were read from sentences or comment lists, not from printed tables.
PROSE_FIGURE_FILES = {
    "devon/headline_figures.csv",
    "devon/caf_review_outcomes.csv",
    "devon/parent_feedback.csv",
    "devon/practitioner_activity.csv",
    "devon/bhlp_spend.csv",
}
# Not tables at all: every line some raw row or claim cites, kept so the report can quote it.
PRINTED_LINES_FILES = {"appendix/printed_lines.csv", "devon/printed_lines.csv"}
QUANTIFIER = re.compile(
    r"\b(lowest|highest|only|all|none|most|majority|almost|over|around|under|as high as"
    r"|half|quarters?|thirds?|fifths?|tenths?|more than|less than|fewer|nearly|virtually|every|least"
    r"|minority|several|few|many)\b",
    re.IGNORECASE,
)
# A name, not the quantifier "around".
NAME_NOT_QUANTIFIER = re.compile(r"team around the child", re.IGNORECASE)


def normalise(text: str) -> str:
    """Markdown emphasis removed, whitespace collapsed: how quotes are matched to lines."""
    return " ".join(text.replace("*", "").split())


def document_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n")


def table_lines(document: str) -> set[int]:
    """Lines a raw table file cites: rows (and the question titles) of printed tables."""
    raw = settings().raw_dir
    cited: set[int] = set()
    for csv_path in sorted((raw / document).glob("*.csv")):
        if f"{document}/{csv_path.name}" in PROSE_FIGURE_FILES | PRINTED_LINES_FILES:
            continue
        with csv_path.open(encoding="utf-8", newline="") as handle:
            cited |= {int(row["source_line"]) for row in csv.DictReader(handle)}
    return cited


def prose_lines(path: Path, document: str) -> dict[int, str]:
    tables = table_lines(document)
    return {
        number: line
        for number, line in enumerate(document_lines(path), start=1)
        if line.strip() and "\t" not in line and number not in tables
    }


def states_a_quantity(line: str) -> bool:
    text = NAME_NOT_QUANTIFIER.sub("", line)
    return bool(re.search(r"\d", text) or QUANTIFIER.search(text))


@pytest.fixture(scope="module")
def register():
    return load_register()


@pytest.fixture(scope="module")
def documents(appendix_path, devon_path) -> dict[str, Path]:
    return {"appendix": appendix_path, "devon": devon_path}


@pytest.mark.parametrize("document", ["appendix", "devon"])
def test_every_prose_line_with_a_number_or_quantifier_holds_a_claim_or_an_exclusion(register, documents, document):
    needing = {n: line for n, line in prose_lines(documents[document], document).items() if states_a_quantity(line)}
    uncovered = {n: line[:100] for n, line in needing.items() if n not in register.covered_lines(document)}
    assert uncovered == {}, f"{document}: prose lines with no claim and no exclusion: {uncovered}"
    assert len(needing) > 20  # the rule found the prose: it is not vacuous


@pytest.mark.parametrize("document", ["appendix", "devon"])
def test_every_exclusion_is_a_prose_line_saying_what_it_quotes(register, documents, document):
    prose = prose_lines(documents[document], document)
    claim_lines = {c.line for c in register.claims if c.document == document}
    for exclusion in (e for e in register.exclusions if e.document == document):
        line = prose.get(exclusion.line)
        assert line is not None, f"{document} line {exclusion.line} is not a prose line"
        assert states_a_quantity(line), f"{document} line {exclusion.line} needs no exclusion"
        assert normalise(exclusion.text) in normalise(line), (exclusion, line)
        assert exclusion.line not in claim_lines, f"{document} line {exclusion.line} holds a claim: no exclusion"


def test_every_claim_quotes_the_prose_line_it_names(register, documents):
    for claim in register.claims:
        lines = document_lines(documents[claim.document])
        line = lines[claim.line - 1]
        assert normalise(claim.quote) in normalise(line), (claim.id, claim.quote, line)
        assert claim.line in prose_lines(documents[claim.document], claim.document), claim.id


def test_both_documents_have_claims_and_every_section_file_one_document(register):
    by_file: dict[str, set[str]] = {}
    for claim in register.claims:
        by_file.setdefault(claim.source_file.name, set()).add(claim.document)
    assert all(len(docs) == 1 and name.startswith(f"{next(iter(docs))}_") for name, docs in by_file.items())
    assert {c.document for c in register.claims} == {"appendix", "devon"}


def test_the_rule_tells_table_rows_from_prose(documents):
    appendix = prose_lines(documents["appendix"], "appendix")
    devon = prose_lines(documents["devon"], "devon")
    # appendix line 41 is Q1's band row (cells and a raw row); line 32 is Q1's title (questions.csv)
    assert 41 not in appendix and 32 not in appendix
    assert 23 in appendix and 1219 in appendix  # the practices' commentary
    # Devon: Fig 14's Barnstaple row and a template option are table rows; the comments are prose
    assert 847 not in devon and 89 not in devon
    # read by the extractor (headline_figures, parent_feedback, practitioner_activity) but prose
    assert {23, 704, 760, 794, 930} <= set(devon)
