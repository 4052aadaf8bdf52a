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

from dagster_project.extract.documents import read_lines
from dagster_project.extract.tables import SOURCE_LINE, Column, ExtractionError, Table

DOCUMENT = "devon"

Row = dict[str, Any]

# (service_code, service name exactly as printed in the template headers)
SERVICES: tuple[tuple[str, str], ...] = (
    ("police", "Police"),
    ("pct", "PCT"),
    ("connexions", "Connexions"),
    ("yot_1", "YOT 1"),
    ("yot_2", "YOT 2"),
    ("childrens_centre", "Children's Centre"),
    ("social_care", "Social Care"),
)
SERVICE_NAMES = tuple(name for _, name in SERVICES)

# Counted by eye in the template (lines 82-491): questions per section, answerable items per section.
EXPECTED_QUESTIONS = {1: 9, 2: 5, 3: 9, 4: 10}
EXPECTED_ITEMS = {1: 17, 2: 5, 3: 15, 4: 12}
CLUSTER_COUNT = 17  # clusters listed in Figs 14-17 (the text states 19 clusters; 17 are tabulated)
AREAS = ("Northern", "Southern", "Eastern")
PATHWAY_COUNT = 6

# ---------------------------------------------------------------------------------------------
# Table declarations
# ---------------------------------------------------------------------------------------------

_ITEM_CODE = Column(
    "item_code",
    "VARCHAR",
    "Template item code: s<section>_q<question> (2 digits), plus _<letter> for a sub-item in printed order (s1_q07_a).",
)
_SERVICE_CODE = Column(
    "service_code",
    "VARCHAR",
    "Responding service: police, pct, connexions, yot_1, yot_2, childrens_centre, social_care (see services).",
    choices=tuple(code for code, _ in SERVICES),
)
_CLUSTER = Column(
    "cluster_name",
    "VARCHAR",
    "AXS cluster exactly as printed in this figure ('Total' for the printed total row); spellings differ between figures and are not reconciled here.",
)
_ROW_ORDER = Column("row_order", "INTEGER", "1-based position of the row in the printed table.")

SERVICES_TABLE = Table(
    DOCUMENT,
    "services",
    "The 7 services that answered the AXS integrated-working self-assessment template, in the column order of the template tables.",
    (
        _SERVICE_CODE,
        Column("service_name", "VARCHAR", "Service name as printed in the template column headers."),
        Column("service_order", "INTEGER", "Column position in the template tables, 1-7.", minimum=1, maximum=7),
        SOURCE_LINE,
    ),
    key=("service_code",),
    notes=("source_line is the first template header row (line 88); every template table repeats the same 7 columns.",),
)

TEMPLATE_ITEMS = Table(
    DOCUMENT,
    "template_items",
    "Answerable items of the AXS self-assessment template (Appendix 2): a numbered question, or a sub-item of a question that has several (e.g. Section One Q7 benefits, Section Four Q4 confidence/willingness). One row per item with its own answer table.",
    (
        _ITEM_CODE,
        Column("section_no", "INTEGER", "Template section, 1-4.", minimum=1, maximum=4),
        Column("section_title", "VARCHAR", "Section title as printed after 'Section One:' etc."),
        Column("question_no", "INTEGER", "Question number within the section as printed."),
        Column("question_text", "VARCHAR", "Question wording as printed (markdown ** removed)."),
        Column(
            "sub_item_text",
            "VARCHAR",
            "Sub-item label as printed (trailing colon removed); NULL when the question has no sub-items.",
            nullable=True,
        ),
        Column(
            "item_kind",
            "VARCHAR",
            "'choice' (a table of options with a mark per service and a printed Total) or 'free_text' (one text answer per service).",
        ),
        Column(
            "comment_text",
            "VARCHAR",
            "A 'Comment:' line printed after the item's table, as printed; NULL when none.",
            nullable=True,
        ),
        SOURCE_LINE,
    ),
    key=("item_code",),
    notes=(
        "Lines 140-141 and 290-291: question text wrapped in markdown ** that spans two lines; the ** are removed and line 141 ('Practitioners now act earlier') is read as the first sub-item of Section One Q7.",
        "Lines 104 and 291: 'From a Total of :' is an unfilled form field under the question; it is dropped.",
        "Section One Q7 and Section Three Q7 end with a free-text sub-item ('Other please explain', 'Other benefits – please describe'), stored as free_text items s1_q07_i and s3_q07_g.",
        "Follow-up prompts under a choice question ('Describe this' row at line 138, 'What role do they take?' at 233/246, 'If yes, please give a brief description' at 322) are not separate items: their answers are in template_free_text under the choice item's code.",
        "Line 415 'Comment: What do we mean by 'plans'?' is kept in comment_text of s4_q02.",
    ),
)

TEMPLATE_OPTIONS = Table(
    DOCUMENT,
    "template_options",
    "Answer options of each choice item of the template, with the Total printed in the last column.",
    (
        _ITEM_CODE,
        Column("option_order", "INTEGER", "1-based position of the option within its item's table.", minimum=1),
        Column("option_text", "VARCHAR", "Option wording as printed."),
        Column(
            "total_published",
            "INTEGER",
            "The Total column as printed; not recomputed, and it contradicts the marks in places (e.g. line 294 'None' total 1 with no marks).",
            unit="services",
            minimum=0,
            maximum=7,
        ),
        SOURCE_LINE,
    ),
    key=("item_code", "option_order"),
    notes=(
        "Blank lines inside a table (lines 298, 357) are skipped; the table continues.",
        "Totals are kept as printed even where they contradict the marks (lines 294, 300, 320, 348, 373).",
    ),
)

TEMPLATE_MARKS = Table(
    DOCUMENT,
    "template_marks",
    "The cell of every option x service in the template's choice tables: one row per option for each of the 7 services, empty cells included.",
    (
        _ITEM_CODE,
        Column("option_order", "INTEGER", "Option position, as in template_options.", minimum=1),
        _SERVICE_CODE,
        Column("cell_text", "VARCHAR", "The cell exactly as printed; NULL when the cell is empty.", nullable=True),
        Column(
            "mark",
            "INTEGER",
            "The cell as a number when it is one (normally 1 = this service chose this option); NULL when empty or words.",
            unit="services",
            nullable=True,
            minimum=0,
            maximum=1,
        ),
        SOURCE_LINE,
    ),
    key=("item_code", "option_order", "service_code"),
    notes=(
        "Lines 442 and 444 (Section Four Q4 Willingness): Social Care answered with words, 'Managers' for 'Willing' and 'Practitioners' for 'Not very willing' (a split answer); kept in cell_text with mark NULL.",
        "Lines 405-408: the header is broken ('Children's' / 'Social', a rule line, then 'Centre' / 'Care' on line 408); the fragments are reassembled and checked against the 7 service names.",
        "Line 192-194: a rule line and a stray header fragment ('Centre' / 'Care') follow a complete header; both are skipped.",
    ),
)

TEMPLATE_FREE_TEXT = Table(
    DOCUMENT,
    "template_free_text",
    "Free-text answers of the template: for free-text items, and for the follow-up prompts printed under choice questions ('Describe this', 'What role do they take?', 'If yes…'). One row for each of the 7 services per answer row, with NULL answer_text where the service left it empty.",
    (
        _ITEM_CODE,
        _SERVICE_CODE,
        Column(
            "prompt_text",
            "VARCHAR",
            "The follow-up prompt as printed when the answers belong to a choice item ('Describe this', 'What role do they take?', …); NULL for a free-text item's own answers.",
            nullable=True,
        ),
        Column(
            "answer_text",
            "VARCHAR",
            "The service's answer as printed; an answer wrapped over several lines is joined with single spaces. NULL when empty. 'NA' is kept as printed.",
            nullable=True,
        ),
        SOURCE_LINE,
    ),
    key=("item_code", "service_code"),
    notes=(
        "Lines 126-129 (Section One Q5): answers wrap onto line 128 in the same columns; each column's pieces are joined with a space ('Youth Intervention Officers'). Rule lines of dashes (129, 455, 458) are skipped.",
        "Lines 454-457 (Section Four Q6): the header prints 'Children's' alone and its 'Centre' appears in the Children's Centre column of answer line 457; that cell is read as the header fragment, not as an answer.",
        "source_line is the first answer line of the block.",
    ),
)

CLUSTER_CAFS = Table(
    DOCUMENT,
    "cluster_cafs",
    "Fig 14: CAFs undertaken Sept 2007 - June 2009, 0-19 population and CAFs per 1000 0-19 year olds, per AXS cluster, with the printed Total row.",
    (
        _CLUSTER,
        _ROW_ORDER,
        Column("is_total", "BOOLEAN", "True for the printed 'Total' row."),
        Column("cafs", "INTEGER", "CAFs undertaken 09/07 - 06/09.", unit="CAFs", minimum=0),
        Column(
            "population_0_19",
            "INTEGER",
            "Number of 0-19 year olds (from age range by local learning community populations).",
            unit="children",
            minimum=0,
        ),
        Column(
            "cafs_per_1000_published",
            "DECIMAL(6,2)",
            "CAFs undertaken per 1000 0-19 year olds as printed; NULL where 'N/A' is printed (Total row).",
            unit="CAFs per 1000 children",
            nullable=True,
            minimum=0,
        ),
        Column("cafs_per_1000_text", "VARCHAR", "The per-1000 cell exactly as printed (keeps 'N/A')."),
        SOURCE_LINE,
    ),
    key=("cluster_name",),
    notes=(
        "Line 846: the last header cell is truncated in the source ('CAFs undertaken 1000 0-19 year o'); the column is read as CAFs per 1000 0-19 year olds.",
        "Line 864: the Total row prints 'N/A' for the rate; stored NULL with the text kept in cafs_per_1000_text.",
        "17 clusters are listed although the report states 19 AXS clusters (see headline_figures).",
    ),
)

IDACI_PREDICTIONS = Table(
    DOCUMENT,
    "idaci_predictions",
    "Figs 15 and 16: each cluster's expected % share of CAFs from IDACI-weighted scores, the CAFs predicted at that share of a scenario total (867 actual CAFs in Fig 15, a notional 5000 in Fig 16), actual CAFs and the difference, with the printed Total rows.",
    (
        Column(
            "scenario_total", "INTEGER", "Total the shares are applied to: 867 (Fig 15) or 5000 (Fig 16).", unit="CAFs"
        ),
        Column("figure", "VARCHAR", "'Fig 15' or 'Fig16' as printed."),
        _CLUSTER,
        _ROW_ORDER,
        Column("is_total", "BOOLEAN", "True for the printed 'Total' row."),
        Column(
            "idaci_share_pct_published",
            "DECIMAL(5,2)",
            "'As %': expected share of all CAFs, as printed.",
            unit="%",
            minimum=0,
            maximum=100,
        ),
        Column(
            "predicted_cafs_published", "DECIMAL(8,2)", "Predicted CAFs at the same ratio, as printed.", unit="CAFs"
        ),
        Column("actual_cafs", "INTEGER", "Actual CAFs undertaken Sept 07 - June 09.", unit="CAFs", minimum=0),
        Column("difference_published", "DECIMAL(8,2)", "Actual minus predicted, as printed.", unit="CAFs"),
        SOURCE_LINE,
    ),
    key=("scenario_total", "cluster_name"),
    notes=(
        "Line 914: the Fig 16 Total row prints the predicted total as '5000' without decimals (all other cells have 2); the value is stored as printed.",
    ),
)

QA_SCORES = Table(
    DOCUMENT,
    "qa_scores",
    "Fig 17: quality-assurance scores of completed CAF forms per AXS cluster - lowest, highest and average score.",
    (
        _CLUSTER,
        _ROW_ORDER,
        Column("has_data", "BOOLEAN", "False where the row prints 'No Data'."),
        Column(
            "lowest_pct_published",
            "INTEGER",
            "Lowest score as printed; NULL for 'No Data'.",
            unit="%",
            nullable=True,
            minimum=0,
            maximum=100,
        ),
        Column(
            "highest_pct_published",
            "INTEGER",
            "Highest score as printed; NULL for 'No Data'.",
            unit="%",
            nullable=True,
            minimum=0,
            maximum=100,
        ),
        Column(
            "average_pct_published",
            "INTEGER",
            "Average score as printed; NULL for 'No Data'.",
            unit="%",
            nullable=True,
            minimum=0,
            maximum=100,
        ),
        SOURCE_LINE,
    ),
    key=("cluster_name",),
    notes=(
        "Cluster names are spelled differently from Figs 14-16 ('Honiton/Axe Valley', 'Culm Valley and Crediton', 'Teign Valley & Dartmoor', …) and are kept as printed.",
        "No Total row is printed. The caption says 'completed since Sept 2009' in a June 2009 report; kept as printed.",
    ),
)

CAF_REVIEW_OUTCOMES = Table(
    DOCUMENT,
    "caf_review_outcomes",
    "Figure 1 comment: share of each respondent group at CAF review reporting that the planned outcomes were completely achieved.",
    (
        Column("respondent_group", "VARCHAR", "child_young_person, parent_carer or lead_professional."),
        Column("respondent_label", "VARCHAR", "The group as printed in the sentence."),
        Column("measure", "VARCHAR", "'completely_achieved': outcomes reported completely achieved."),
        Column("pct_published", "DECIMAL(4,1)", "Percentage as printed.", unit="%", minimum=0, maximum=100),
        SOURCE_LINE,
    ),
    key=("respondent_group", "measure"),
    notes=("Figure 1 itself was a chart and is lost; only the three percentages of line 681 remain.",),
)

PARENT_FEEDBACK = Table(
    DOCUMENT,
    "parent_feedback",
    "Parent self-report measures printed as 'P% (n/d)': the percentage of responding parents, with numerator and denominator.",
    (
        Column("measure", "VARCHAR", "satisfied, knowledge_increased, confidence_increased or issues_improved."),
        Column("description", "VARCHAR", "What the parents reported (short paraphrase of the printed sentence)."),
        Column("numerator", "INTEGER", "Parents reporting it, as printed.", unit="parents", minimum=0),
        Column("denominator", "INTEGER", "Parents responding, as printed.", unit="parents", minimum=1),
        Column("pct_published", "DECIMAL(4,1)", "Percentage as printed.", unit="%", minimum=0, maximum=100),
        SOURCE_LINE,
    ),
    key=("measure",),
    notes=("Figures 2-6 were charts and are lost; only these figures from the text remain.",),
)

REVIEW_COMMENTS = Table(
    DOCUMENT,
    "review_comments",
    "Comments from review scoring sheets for Dawlish & Teignmouth: per review, the score and comment of the child, parent/carer and lead professional (one row per review x respondent).",
    (
        Column("review_order", "INTEGER", "1-based position of the review row in the printed table."),
        Column("month_ia", "VARCHAR", "'Month I/A' as printed (e.g. 'Apr-08'); NULL when empty.", nullable=True),
        Column("age", "INTEGER", "Age of the child as printed; NULL when empty.", unit="years", nullable=True),
        Column("respondent", "VARCHAR", "child, parent_carer or lead_professional."),
        Column(
            "score_printed",
            "VARCHAR",
            "Score cell exactly as printed ('3.5', 'n/a', 'Compl etely'); NULL when empty.",
            nullable=True,
        ),
        Column(
            "score_text",
            "VARCHAR",
            "Score with the PDF's broken words repaired ('Compl etely' -> 'Completely'); otherwise as printed.",
            nullable=True,
        ),
        Column(
            "score_value", "DECIMAL(3,1)", "The score when it is a number; NULL otherwise.", unit="score", nullable=True
        ),
        Column("comment", "VARCHAR", "Comment as printed; NULL when empty.", nullable=True),
        SOURCE_LINE,
    ),
    key=("review_order", "respondent"),
    notes=(
        "Lines 687-688: a two-line header (view / Score, Comments) is checked and skipped.",
        "Line 690 prints no month or age (a further review of the previous row's child, presumably); NULL, not filled down. Line 691 prints no age.",
        "Line 695: 'Compl etely' and 'Completel y' are broken words; score_text repairs them to 'Completely', score_printed keeps them.",
        "Line 694 (blank) and rule line 696 are skipped.",
    ),
)

PRACTITIONER_ACTIVITY = Table(
    DOCUMENT,
    "practitioner_activity",
    "Figs 10 and 11 comments: distribution of individual practitioners by how many CAFs they have undertaken (CAF assessors) or how many times they held the lead professional role.",
    (
        Column("figure", "VARCHAR", "'Fig 10' or 'Fig 11'."),
        Column("role", "VARCHAR", "caf_assessor (Fig 10) or lead_professional (Fig 11)."),
        Column("bucket", "VARCHAR", "more_than_10, between_5_and_10, more_than_1 or exactly_1."),
        Column("bucket_label", "VARCHAR", "The printed phrase after the percentage."),
        Column(
            "pct_published",
            "DECIMAL(4,1)",
            "Share of individual practitioners, as printed.",
            unit="%",
            minimum=0,
            maximum=100,
        ),
        SOURCE_LINE,
    ),
    key=("figure", "bucket"),
    notes=(
        "Lines 790, 801: the comment starts '- Comment:**' (stray markdown); skipped.",
        "Buckets overlap as printed ('more than 1' includes the higher ones), and Fig 11's 49% + 59% exceed 100%; kept as printed.",
    ),
)

BHLP_SPEND = Table(
    DOCUMENT,
    "bhlp_spend",
    "Section 6: budget-holding lead professional spend figures, and the two spend figures in the comment on the (lost) chart of types of spend.",
    (
        Column("measure", "VARCHAR", "Stable code of the spend figure."),
        Column("label", "VARCHAR", "The label as printed."),
        Column("amount_gbp", "DECIMAL(12,2)", "Amount as printed.", unit="GBP", minimum=0),
        Column(
            "amount_printed",
            "VARCHAR",
            "Amount exactly as printed, without the £ sign (keeps '36,000.00' vs '15,000').",
        ),
        Column(
            "period", "VARCHAR", "The period the figure covers, as stated; NULL when none is stated.", nullable=True
        ),
        SOURCE_LINE,
    ),
    key=("measure",),
    notes=(
        "Line 930: two amounts in the comment on 'Fig. 16 Types of spend by BHLP 1st April to 1st June 2009' (a second 'Fig 16' in the document) are read by their anchors 'services and interventions' and 'Childcare'.",
    ),
)

PATHWAY_SWITCH_OFF = Table(
    DOCUMENT,
    "pathway_switch_off",
    "Appendix 3 Part Three (suggested programme, phase 1: 1 Oct 09 - 31 Oct 10): proposed 'switch off' date of each pathway's old process per operational area.",
    (
        Column("pathway", "VARCHAR", "Pathway name as printed (underlined in the source)."),
        Column("pathway_order", "INTEGER", "1-based position of the pathway in the table."),
        Column(
            "measures_text",
            "VARCHAR",
            "The pathway's listed measures with HTML tags removed; lines broken in the source are joined.",
        ),
        Column("operational_area", "VARCHAR", "Northern, Southern or Eastern.", choices=AREAS),
        Column("switch_off_text", "VARCHAR", "The area's cell as printed ('01.04.10', 'To follow')."),
        Column("switch_off_date", "DATE", "The cell as a date when it is dd.mm.yy; NULL for text.", nullable=True),
        Column(
            "discretionary_text",
            "VARCHAR",
            "A 'Discretionary for … settings' note printed for the pathway, HTML removed; NULL when none.",
            nullable=True,
        ),
        SOURCE_LINE,
    ),
    key=("pathway", "operational_area"),
    notes=(
        "Lines 633-643: cells carry HTML fragments (<u>, <p>, <ul …>); tags are stripped, bullets '•' kept.",
        "Lines 636-638: the 'Stepping Stones, Early Years' row is broken over two lines; line 636 holds the first measures and, in the Northern cell with Southern/Eastern empty, the 'Discretionary for early years settings…' note (read as spanning all areas); line 638 continues the measures and holds the three dates.",
        "Line 640: 'Discretionary for school settings…' is printed on its own line in the pathway column after 'Stepping Stones, Schools' and is attached to that pathway.",
        "source_line is the line holding the area dates.",
    ),
)

TRAINING_BY_SERVICE = Table(
    DOCUMENT,
    "training_by_service",
    "Fig 20: AXS03 training by organisation and service area, March 08 - June 09 (a pivot table whose counts are mostly missing in the source).",
    (
        _ROW_ORDER,
        Column(
            "organisation",
            "VARCHAR",
            "Organisation: the printed first cell, carried down to the rows below it that leave it empty; ' Total' removed on total rows; NULL on the grand total row.",
            nullable=True,
        ),
        Column("organisation_printed", "VARCHAR", "The first cell exactly as printed; NULL when empty.", nullable=True),
        Column("service_area", "VARCHAR", "Service area as printed ('(blank)' kept); NULL when empty.", nullable=True),
        Column("is_total_row", "BOOLEAN", "True for '<organisation> Total' rows and the grand total row."),
        Column("is_grand_total", "BOOLEAN", "True for the last row, 'Total AXS03 Training'."),
        Column(
            "trained",
            "INTEGER",
            "Count in the third column ('T', presumably number trained) as printed; NULL when empty.",
            unit="practitioners",
            nullable=True,
            minimum=0,
        ),
        SOURCE_LINE,
    ),
    key=("row_order",),
    notes=(
        "Line 979: the third header is truncated to 'T'.",
        "Nearly all counts are empty in the source; kept NULL. Totals contradict details (DCC Total 3 vs Primary Schools 2; IYSS, PCT, Early Years totals with no detail counts); kept as printed.",
        "Lines 1049-1052 and 1055 are Total rows with no detail rows; lines 1053, 1054, 1056 ('Higher Education', 'Housing', 'Schools Independent') have no Total row; line 1057 'Other' has no service area.",
        "Line 1058 (the document's last line, no trailing newline): grand total 'Total AXS03 Training' = 5, kept as printed although the report states about 1,500 practitioners trained.",
        "Line 1032 (blank inside the table) is skipped.",
    ),
)

HEADLINE_FIGURES = Table(
    DOCUMENT,
    "headline_figures",
    "Figures stated in the report's text that are not part of another table.",
    (
        Column("figure_code", "VARCHAR", "Stable code of the figure."),
        Column("description", "VARCHAR", "What the figure counts."),
        Column("value", "DECIMAL(12,2)", "The figure as stated (number words such as 'three' read as numbers)."),
        Column("value_printed", "VARCHAR", "The figure exactly as printed ('1,500', 'three')."),
        Column("qualifier", "VARCHAR", "'approximately' where the text says so; NULL otherwise.", nullable=True),
        Column("unit", "VARCHAR", "count, CAFs, practitioners, …"),
        SOURCE_LINE,
    ),
    key=("figure_code",),
    notes=(
        "'3,500 staff' (line 216) is inside a template answer and stays in template_free_text; 'two-thirds'/'one-third' (line 779) and 'over a third' (line 734) are approximate shares and are not extracted.",
        "The notional 5000-CAF target (line 894) is the scenario_total of idaci_predictions.",
    ),
)

TABLES: tuple[Table, ...] = (
    SERVICES_TABLE,
    TEMPLATE_ITEMS,
    TEMPLATE_OPTIONS,
    TEMPLATE_MARKS,
    TEMPLATE_FREE_TEXT,
    PATHWAY_SWITCH_OFF,
    CAF_REVIEW_OUTCOMES,
    REVIEW_COMMENTS,
    PARENT_FEEDBACK,
    PRACTITIONER_ACTIVITY,
    CLUSTER_CAFS,
    IDACI_PREDICTIONS,
    BHLP_SPEND,
    QA_SCORES,
    TRAINING_BY_SERVICE,
    HEADLINE_FIGURES,
)

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
