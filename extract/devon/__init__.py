"""Extract the Devon integrated-working progress report (September 2009) into raw tables.

The document is a PDF extraction: table cells are tab-separated and empty cells are kept as
empty tab fields, so a cell's meaning is given by its position. Each parser below walks the
lines from a printed anchor (a heading or header row), checks the shape it expects, and raises
`ExtractionError` at the offending line rather than returning a partial result.
"""

from __future__ import annotations

from pathlib import Path

from extract.devon.intro import FIG7_HEADLINES, FIG8_HEADLINES, INTRO_HEADLINES, QA_HEADLINES, _headlines
from extract.devon.pathway import _parse_pathways
from extract.devon.performance import (
    _parse_activity,
    _parse_fig14,
    _parse_fig17,
    _parse_idaci,
    _parse_parent_feedback,
    _parse_review_comments,
    _parse_review_outcomes,
    _parse_spend,
    _parse_training,
)
from extract.devon.reading import (
    Row,
    _Doc,
)
from extract.devon.template import _check_template, _item_row, _parse_template
from warehouse.tables.devon import (
    SERVICES,
)

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
