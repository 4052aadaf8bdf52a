"""The Devon progress report's raw tables (September 2009): the services' self-assessment
template, the CAF pathway programme and the June 2009 performance report."""

from __future__ import annotations

from warehouse.tables.schema import SOURCE_LINE, Column, Table

DOCUMENT = "devon"

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
