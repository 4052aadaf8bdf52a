"""The national appendix's raw tables: 59 self-assessment questions in 5 practices, four tables each."""

from __future__ import annotations

from warehouse.tables.schema import SOURCE_LINE, Column, Table

# code, printed heading, first and last question number
PRACTICES: tuple[tuple[str, str, int, int], ...] = (
    ("multi_agency_working", "Multi-agency working", 1, 13),
    ("information_sharing", "Information sharing", 14, 24),
    ("common_assessment_framework", "Common assessment framework (CAF)", 25, 38),
    ("team_around_the_child", "Team around the child (TAC)", 39, 48),
    ("lead_professional", "Lead professional", 49, 59),
)

QUESTION_ID = Column(
    "question_id", "INTEGER", "Question number as printed in the appendix (1-59).", minimum=1, maximum=59
)

PRACTICES_TABLE = Table(
    document="appendix",
    name="practices",
    description="The five integrated-working practices the 59 questions are grouped into, in document order.",
    columns=(
        Column(
            "practice_code",
            "VARCHAR",
            "Stable code of the practice, e.g. `common_assessment_framework`.",
            choices=tuple(code for code, *_ in PRACTICES),
        ),
        Column("practice_name", "VARCHAR", "The practice's section heading as printed."),
        Column("practice_order", "INTEGER", "Position of the practice in the document (1-5).", minimum=1, maximum=5),
        Column(
            "first_question_id",
            "INTEGER",
            "Number of the first question printed under this heading.",
            minimum=1,
            maximum=59,
        ),
        Column(
            "last_question_id",
            "INTEGER",
            "Number of the last question printed under this heading.",
            minimum=1,
            maximum=59,
        ),
        SOURCE_LINE,
    ),
    key=("practice_code",),
    notes=(
        "Headings are matched as whole lines in a fixed order; each must appear exactly once, between the "
        "last question of the previous practice and the first question of its own, or extraction fails.",
        "The question ranges are taken from where the headings fall and must equal 1-13, 14-24, 25-38, "
        "39-48 and 49-59 as the document's introduction states.",
    ),
)

QUESTIONS_TABLE = Table(
    document="appendix",
    name="questions",
    description="The 59 self-assessment questions on integrated working, one row per question.",
    columns=(
        QUESTION_ID,
        Column(
            "practice_code",
            "VARCHAR",
            "Practice the question belongs to (see `practices`).",
            choices=tuple(code for code, *_ in PRACTICES),
        ),
        Column("question_text", "VARCHAR", "The question as printed, without its leading number."),
        Column(
            "leaders_only",
            "BOOLEAN",
            "True for the first and last question of each practice, which were put to leaders and managers "
            "only (per the document's 'Format of the appendix'); front line counts for them are very small.",
        ),
        SOURCE_LINE,
    ),
    key=("question_id",),
    notes=(
        "Question titles are lines `N. text`; numbers must run 1..59 without gaps or repeats.",
        "Prose is skipped only before the first heading, between a practice heading and its first question "
        "(the practice's commentary) and after question 59 (back cover); text anywhere else among the "
        "question tables is an error.",
        "For questions 3 (line 85), 6 (157), 12 (304), 36 (898), 42 (1052) and 51 (1276) the title is "
        "printed after the descriptor table instead of before it; the descriptor table directly before "
        "such a title is attributed to it.",
        "`leaders_only` is derived from the practice ranges, not read from the text; for all ten such "
        "questions the band table prints 2 missing responses (the two trusts without leaders and managers).",
    ),
)

DESCRIPTORS_TABLE = Table(
    document="appendix",
    name="descriptors",
    description="What a score of 1, 3 and 5 means for each question (the 'Point score / Descriptor' table).",
    columns=(
        QUESTION_ID,
        Column(
            "point_score",
            "INTEGER",
            "The point score the descriptor defines: 1, 3 or 5.",
            unit="points",
            minimum=1,
            maximum=5,
        ),
        Column(
            "level_label",
            "VARCHAR",
            "Name of the level as printed without its '(n)': Fragmented, Midpoint or Integrated & high quality.",
        ),
        Column("descriptor_text", "VARCHAR", "The descriptor as printed; wrapped lines joined with one space."),
        SOURCE_LINE,
    ),
    key=("question_id", "point_score"),
    notes=(
        "Question 7 (lines 179-184) prints its descriptor rows wrapped over several lines, with the "
        "label split too ('Fragmented' / '(1)', 'Integrated &' / 'high quality' / '(5)'); a row ends at the "
        "line whose label cell ends in '(n)', label and text fragments are joined with single spaces and "
        "`source_line` is the row's first line.",
        "Trailing empty tab cells (question 50) are ignored; en dashes inside descriptor text are kept as printed.",
        "Each table must hold exactly the three rows Fragmented (1), Midpoint (3), Integrated & high quality (5).",
    ),
)

BAND_CELLS: tuple[tuple[str, str], ...] = (
    ("below_2_5", "Below 2.5"),
    ("from_2_5_to_2_8", "2.5 and up to 2.8"),
    ("from_2_8_to_3_0", "2.8 and up to 3.0"),
    ("from_3_0_to_3_2", "3.0 and up to 3.2"),
    ("from_3_2_to_3_5", "3.2 and up to 3.5"),
    ("from_3_5", "3.5 and above"),
    ("total_above_midpoint", "Total above midpoint"),
    ("missing_responses", "Missing responses"),
)

MEAN_SCORE_BANDS_TABLE = Table(
    document="appendix",
    name="mean_score_bands",
    description=(
        "How many of the 150 Children's Trusts had a mean score in each band, per question "
        "('Number of Children's Trusts (percentage in brackets) with mean scores')."
    ),
    columns=(
        QUESTION_ID,
        Column(
            "cell_code",
            "VARCHAR",
            "Which cell: below_2_5, from_2_5_to_2_8, from_2_8_to_3_0, from_3_0_to_3_2, from_3_2_to_3_5, "
            "from_3_5 (mean-score bands, lower bound inclusive), total_above_midpoint (printed total of "
            "trusts with a mean of 3.0 or more), missing_responses (trusts with no response).",
            choices=tuple(code for code, _ in BAND_CELLS),
        ),
        Column("cell_order", "INTEGER", "Position of the cell in the printed row (1-8).", minimum=1, maximum=8),
        Column("trusts", "INTEGER", "Number of Children's Trusts, as printed.", unit="trusts", minimum=0, maximum=150),
        Column(
            "trusts_pct_published",
            "INTEGER",
            "The percentage printed in brackets beside the count.",
            unit="percent (0-100)",
            minimum=0,
            maximum=100,
        ),
        SOURCE_LINE,
    ),
    key=("question_id", "cell_code"),
    notes=(
        "Cells are labelled by position in the value row (8 cells 'N (P%)', trailing empty tab cells "
        "ignored); the printed column header is only checked to be recognisable or absent, never used.",
        "The title line is matched after deleting tabs, so garbled prefixes ('Nur', 'Nun', 'Num', 'Nu', "
        "'Nı' before 'Number of ...', 31 of the 59 questions) and question 25's title split across eight "
        "cells (line 635: 'Nu|mber of Ch|ildren's Tr|...') are accepted; the title must otherwise read "
        "'Number of Children's Trusts (...) with mean scores'.",
        "Column header reduced to only 'Missing responses' in the last cell: questions 6, 17, 18, 25, 26, 39.",
        "Column header with its labels run together into one garbled cell after 'Below 2.5': "
        "questions 8, 9, 19, 20 (question 20's header has no 'Missing responses' at all).",
        "Column header with broken spacing ('3.2 and u p to 3.5'): question 42.",
        "No band table lacks its column header entirely, but the parser would accept that (title line "
        "followed directly by the value row); a header line in any other form is an error.",
        "Chart remnants between tables are skipped: the caption 'Distribution of average scores across "
        "Children's Trusts' (lines 634, 1446) and dash-only lines (659, 1447).",
        "`source_line` is the line of the value row.",
    ),
)

RESPONSE_ROWS: tuple[tuple[str, int | None, str], ...] = (
    ("score_1", 1, "1 - fragmented"),
    ("score_2", 2, "2"),
    ("score_3", 3, "3 - midpoint"),
    ("score_4", 4, "4"),
    ("score_5", 5, "5 - integrated and high quality"),
    ("not_applicable", None, "Not applicable"),
    ("dont_know", None, "Don't know"),
)

RESPONSES_TABLE = Table(
    document="appendix",
    name="responses",
    description="Number of individual responses to each question by score, for leaders and managers and front line staff.",
    columns=(
        QUESTION_ID,
        Column(
            "response_code",
            "VARCHAR",
            "Which answer: score_1 ... score_5, not_applicable or dont_know.",
            choices=tuple(code for code, *_ in RESPONSE_ROWS),
        ),
        Column(
            "score",
            "INTEGER",
            "The point score answered (1-5); empty for not applicable / don't know.",
            unit="points",
            nullable=True,
            minimum=1,
            maximum=5,
        ),
        Column("response_label", "VARCHAR", "The row label as printed (en dash or hyphen as printed)."),
        Column("leaders_managers", "INTEGER", "Responses from leaders and managers.", unit="responses", minimum=0),
        Column("frontline", "INTEGER", "Responses from front line staff.", unit="responses", minimum=0),
        Column("total", "INTEGER", "Printed total responses.", unit="responses", minimum=0),
        Column(
            "proportion_pct_published",
            "INTEGER",
            "Printed 'Results as proportion of total' for this row.",
            unit="percent (0-100)",
            minimum=0,
            maximum=100,
        ),
        SOURCE_LINE,
    ),
    key=("question_id", "response_code"),
    notes=(
        "Row labels are matched with en dash and hyphen treated alike ('1 – fragmented' on lines 95, 370; "
        "'3 – midpoint' on lines 97, 372); `response_label` keeps the dash as printed.",
        "Counts are read with or without thousands separators: question 5's total for "
        "'1 - fragmented' is printed '1678' (line 143) where every other count of 1,000 or more has a comma. "
        "A comma must separate groups of exactly three digits, otherwise extraction fails.",
        "Each table must have the header row, then exactly the seven rows in the printed order, each with "
        "three counts and a percentage.",
    ),
)

AVERAGE_AUDIENCES = ("leaders_managers", "frontline", "total")

AVERAGE_SCORES_TABLE = Table(
    document="appendix",
    name="average_scores",
    description="The 'Average point score' printed under each response table, per audience.",
    columns=(
        QUESTION_ID,
        Column(
            "audience", "VARCHAR", "Whose responses: leaders_managers, frontline or total.", choices=AVERAGE_AUDIENCES
        ),
        Column(
            "avg_score_published",
            "DECIMAL(4,2)",
            "Mean point score (1-5) as printed to two decimals, excluding not applicable / don't know.",
            unit="points",
            minimum=1,
            maximum=5,
        ),
        SOURCE_LINE,
    ),
    key=("question_id", "audience"),
    notes=(
        "The line must directly follow the seventh response row and hold exactly three values d.dd; they "
        "are kept as exact decimals (DECIMAL(4,2), the narrowest decimal type the raw layer allows).",
    ),
)

TABLES: tuple[Table, ...] = (
    PRACTICES_TABLE,
    QUESTIONS_TABLE,
    DESCRIPTORS_TABLE,
    MEAN_SCORE_BANDS_TABLE,
    RESPONSES_TABLE,
    AVERAGE_SCORES_TABLE,
)

QUESTION_COUNT = 59
DESCRIPTOR_LEVELS = ((1, "Fragmented"), (3, "Midpoint"), (5, "Integrated & high quality"))
