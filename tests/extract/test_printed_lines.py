"""The printed lines kept for quoting: every cited line, exactly as printed, and no other."""

from __future__ import annotations

import csv
import io

import pytest
import yaml

from extract import appendix, devon
from extract.printed_lines import printed_line_rows
from extract.run import extract_all
from extract.writer import ExtractionError
from warehouse.config import settings


@pytest.fixture(scope="module")
def rendered(appendix_path, devon_path) -> dict[str, str]:
    return extract_all(appendix_path, devon_path)


def printed(rendered: dict[str, str], document: str) -> dict[int, str]:
    rows = csv.DictReader(io.StringIO(rendered[f"{document}/printed_lines.csv"]))
    return {int(row["source_line"]): row["line_text"] for row in rows}


def document_lines(path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n")


@pytest.mark.parametrize("document", ["appendix", "devon"])
def test_every_kept_line_is_the_documents_line_exactly_as_printed(rendered, appendix_path, devon_path, document):
    lines = document_lines(appendix_path if document == "appendix" else devon_path)
    for number, text in printed(rendered, document).items():
        assert text == lines[number - 1], number


def register_lines(document: str) -> set[int]:
    """Lines the claims register (if the project has one) cites for a document."""
    lines = set()
    for path in sorted((settings().expectations_dir / "claims").glob("*.yml")):
        register = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if isinstance(register, dict) and register.get("document") == document:
            lines |= {claim["line"] for claim in register.get("claims") or []}
    return lines


@pytest.mark.parametrize("document", ["appendix", "devon"])
def test_every_line_a_raw_row_or_a_claim_cites_is_kept_and_no_other(rendered, appendix_path, devon_path, document):
    module, path = (appendix, appendix_path) if document == "appendix" else (devon, devon_path)
    cited = {row["source_line"] for rows in module.extract(path).values() for row in rows}
    kept = printed(rendered, document)
    assert set(kept) == cited | register_lines(document)
    assert len(kept) < len(document_lines(path))


def test_a_line_the_claims_register_cites_is_kept_as_printed(appendix_path, devon_path, tmp_path):
    # line 779 of the Devon report is prose no raw table cites: the gender split of the CAFs
    (tmp_path / "devon_caf_totals.yml").write_text(
        "document: devon\nsection: CAF totals\nclaims:\n  - id: devon.caf_totals.gender\n    line: 779\n",
        encoding="utf-8",
    )
    (tmp_path / "exclusions.yml").write_text("devon:\n  - line: 5\n", encoding="utf-8")
    without = printed(extract_all(appendix_path, devon_path, claims_dir=tmp_path / "none"), "devon")
    kept = printed(extract_all(appendix_path, devon_path, claims_dir=tmp_path), "devon")
    assert 779 not in without
    assert kept[779] == document_lines(devon_path)[778]
    assert kept[779].startswith("Just under two-thirds of all CAFs are carried out with males")
    assert set(kept) - set(without) == {779}


def test_the_fig14_row_of_okehampton_is_kept_with_its_tabs(rendered):
    # line 858 of the Devon report, one row of Fig 14
    assert printed(rendered, "devon")[858] == "Okehampton & Tavistock\t109\t10656\t10.23"


def test_a_row_citing_a_line_past_the_end_fails_naming_the_line(devon_path):
    count = len(document_lines(devon_path))
    with pytest.raises(ExtractionError) as caught:
        printed_line_rows(devon_path, [5, count + 10])
    assert f"{devon_path}:{count + 10}" in str(caught.value)
