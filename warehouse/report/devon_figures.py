"""Figures of the Devon report, redrawn from the tables and the numbers its text kept."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from warehouse.report import charts
from warehouse.report.figure import Figure, line_span, plural
from warehouse.report.labels import short_place

RESPONDENTS = {
    "child_young_person": "Children and young people",
    "parent_carer": "Parents and carers",
    "lead_professional": "Lead professionals",
}
ACTUAL = "Actual CAFs"
PARENT_MEASURES = {
    "satisfied": "Satisfied",
    "knowledge_increased": "Know more services",
    "confidence_increased": "More confident",
    "issues_improved": "Issues improved",
}


@dataclass
class DevonSection:
    heading: str
    figures: list[Figure]


def _short_clusters(data: pd.DataFrame) -> pd.DataFrame:
    """The chart's copy of `data`, long cluster names shortened (the table keeps them whole)."""
    return data.assign(cluster=data.cluster.map(short_place))


def devon_sections(frames: dict[str, pd.DataFrame], devon_file: str) -> list[DevonSection]:
    clusters = frames["clusters"]
    return [
        DevonSection(
            "CAF outcomes and parent self-report (Section 1)",
            [
                caf_review_figure(frames["outcomes"], devon_file),
                parent_feedback_figure(frames["outcomes"], devon_file),
            ],
        ),
        DevonSection(
            "CAFs by cluster (Sections 2 and 4)",
            [
                cafs_figure(clusters, devon_file),
                cafs_per_1000_figure(clusters, devon_file),
            ],
        ),
        DevonSection(
            "Practitioners' CAF and lead professional activity (Section 3)",
            [
                activity_figure(frames["activity"], "caf_assessor", devon_file),
                activity_figure(frames["activity"], "lead_professional", devon_file),
            ],
        ),
        DevonSection(
            "Predicted against actual CAFs (Section 5)",
            [
                idaci_figure(clusters, 867, devon_file),
                idaci_figure(clusters, 5000, devon_file),
            ],
        ),
        DevonSection("Budget-holding lead professional spend (Section 6)", [spend_figure(frames["spend"], devon_file)]),
        DevonSection("Quality assurance of completed CAF forms (Section 7)", [qa_figure(clusters, devon_file)]),
        DevonSection("Training (Section 8)", [training_figure(frames["training"], devon_file)]),
        DevonSection(
            "The services' self-assessment (Appendix 2)",
            [
                self_assessment_figure(frames["sector"], section_no, devon_file)
                for section_no in sorted(frames["sector"].section_no.unique())
            ],
        ),
    ]


def caf_review_figure(outcomes: pd.DataFrame, devon_file: str) -> Figure:
    rows = outcomes[outcomes.source == "caf_review"]
    # in the order the sentence prints them
    rows = rows.set_index("respondent_group", drop=False).loc[
        [g for g in RESPONDENTS if g in set(rows.respondent_group)]
    ]
    data = pd.DataFrame(
        {
            "respondent_group": rows.respondent_group.map(RESPONDENTS),
            "completely_achieved_pct_published": rows.pct_published,
        }
    )
    top = data.loc[data.completely_achieved_pct_published.idxmax()]
    low = data.loc[data.completely_achieved_pct_published.idxmin()]
    return Figure(
        id="devon-fig01-caf-review",
        title=(
            f"{top.respondent_group} most often said the plan's outcomes were completely achieved "
            f"({top.completely_achieved_pct_published:g}%), {low.respondent_group.lower()} least often "
            f"({low.completely_achieved_pct_published:g}%)"
        ),
        subtitle=(
            "Share of each respondent group at CAF review answering 'completely' to 'has the plan worked and "
            "all the outcomes been achieved?'; per cent as printed. The report gives no counts, and the "
            "other answers (not at all, partly, mostly) were only in the lost chart. In the order the report prints them."
        ),
        source=f"Redrawn from the comment under Figure 1 (CAF Review Data), {line_span(rows.source_line)} of {devon_file}.",
        data=data,
        labels={
            "respondent_group": "Respondent group",
            "completely_achieved_pct_published": "Outcomes completely achieved (%), published",
        },
        chart=charts.hbar(
            data,
            "respondent_group",
            "completely_achieved_pct_published",
            "Completely achieved (%)",
            value_format=".1f",
            domain=(0, 100),
        ),
    )


def parent_feedback_figure(outcomes: pd.DataFrame, devon_file: str) -> Figure:
    rows = outcomes[outcomes.source == "parent_self_report"].sort_values(
        ["pct_published", "source_line"], ascending=[False, True]
    )
    data = pd.DataFrame(
        {
            "measure": rows.measure_description,
            "parents_reporting": rows.numerator.astype(int),
            "parents_responding": rows.denominator.astype(int),
            "pct_published": rows.pct_published,
            "pct_recomputed": rows.pct,
        }
    )
    top, low = data.iloc[0], data.iloc[-1]
    drawn = pd.DataFrame(
        {
            "measure": [
                f"{PARENT_MEASURES.get(m, m)} (n = {n})"
                for m, n in zip(rows.measure, data.parents_responding, strict=True)
            ],
            "pct_published": data.pct_published,
        }
    )
    return Figure(
        id="devon-fig02-05-parent-self-report",
        title=(
            f"{top.parents_reporting} of {top.parents_responding} parents ({top.pct_published:g}%) were satisfied "
            f"or better; the lowest share, {low.pct_published:g}%, saw the original issues improve"
            if rows.measure.iloc[0] == "satisfied" and rows.measure.iloc[-1] == "issues_improved"
            else f"Parents' self-report: the highest share is for “{top.measure}” ({top.pct_published:g}%)"
        ),
        subtitle=(
            f"Parents reporting each outcome, of those who answered the question (n per bar: "
            f"{data.parents_responding.min()}–{data.parents_responding.max()} parents); per cent as printed, one "
            "decimal; sorted from highest to lowest share; full wording and counts in the table."
        ),
        source=f"Redrawn from the text around Figures 2–5, {line_span(rows.source_line)} of {devon_file}.",
        data=data,
        labels={
            "measure": "Measure",
            "parents_reporting": "Parents reporting",
            "parents_responding": "Parents answering",
            "pct_published": "Per cent, published",
            "pct_recomputed": "Per cent, recomputed from the counts",
        },
        chart=charts.hbar(
            drawn, "measure", "pct_published", "Parents (%), as printed", value_format=".1f", domain=(0, 100)
        ),
    )


def cafs_figure(clusters: pd.DataFrame, devon_file: str) -> Figure:
    ordered = clusters.sort_values(["cafs", "row_order"], ascending=[False, True])
    data = pd.DataFrame({"cluster": ordered.cluster_name, "cafs": ordered.cafs.astype(int)})
    top = data.iloc[0]
    return Figure(
        id="devon-fig07-cafs-by-cluster",
        title=(
            f"{top.cluster} undertook the most CAFs ({top.cafs}); {int(data.cafs.sum())} across the "
            f"{plural(len(data), 'cluster')}"
        ),
        subtitle=(
            "CAFs undertaken per AXS cluster, September 2007 to June 2009; number of CAFs; sorted from most to "
            "fewest. Clusters differ in size: the next chart gives the rate per 1000 children."
        ),
        source=(
            f"Fig 7 (a chart lost in the text) redrawn from the CAF column of Fig 14, "
            f"{line_span(clusters.source_line_fig14)} of {devon_file}."
        ),
        data=data,
        labels={"cluster": "AXS cluster", "cafs": "CAFs undertaken"},
        chart=charts.hbar(_short_clusters(data), "cluster", "cafs", "CAFs undertaken"),
    )


def cafs_per_1000_figure(clusters: pd.DataFrame, devon_file: str) -> Figure:
    data = pd.DataFrame(
        {
            "cluster": clusters.cluster_name,
            "cafs": clusters.cafs.astype(int),
            "population_0_19": clusters.population_0_19.astype(int),
            "cafs_per_1000_published": clusters.cafs_per_1000_published,
            "cafs_per_1000_recomputed": clusters.cafs_per_1000,
        }
    )
    ordered = data.sort_values("cafs_per_1000_published", ascending=False)
    top, low = ordered.iloc[0], ordered.iloc[-1]
    return Figure(
        id="devon-fig14-cafs-per-1000",
        title=(
            f"CAFs per 1000 children range from {low.cafs_per_1000_published:g} in {low.cluster} to "
            f"{top.cafs_per_1000_published:g} in {top.cluster}"
        ),
        subtitle=(
            "CAFs undertaken September 2007 to June 2009 per 1000 children and young people aged 0–19, per AXS "
            f"cluster, as printed (with the counts and a recomputed rate); sorted from highest to lowest rate; "
            f"n = {int(data.population_0_19.sum()):,} children aged 0–19."
        ),
        source=f"Redrawn from Fig 14, {line_span(clusters.source_line_fig14)} of {devon_file}.",
        data=ordered,
        labels={
            "cluster": "AXS cluster",
            "cafs": "CAFs",
            "population_0_19": "Population aged 0–19",
            "cafs_per_1000_published": "CAFs per 1000, published",
            "cafs_per_1000_recomputed": "CAFs per 1000, recomputed",
        },
        chart=charts.hbar(
            _short_clusters(ordered),
            "cluster",
            "cafs_per_1000_published",
            "CAFs per 1000 aged 0–19",
            value_format=".2f",
        ),
    )


def idaci_figure(clusters: pd.DataFrame, scenario: int, devon_file: str) -> Figure:
    lines = clusters[f"source_line_fig{15 if scenario == 867 else 16}"]
    clusters = clusters.sort_values(["cafs", "row_order"], ascending=[False, True])
    predicted = clusters[f"predicted_cafs_{scenario}_published"]
    data = pd.DataFrame(
        {
            "cluster": clusters.cluster_name,
            "predicted_cafs_published": predicted,
            "actual_cafs": clusters.cafs.astype(int),
        }
    )
    above = int((data.actual_cafs > data.predicted_cafs_published).sum())
    series = f"Predicted from the IDACI share of {scenario:,} CAFs"
    long = pd.concat(
        [
            pd.DataFrame({"cluster": data.cluster, "series": series, "cafs": data.predicted_cafs_published}),
            pd.DataFrame({"cluster": data.cluster, "series": ACTUAL, "cafs": data.actual_cafs}),
        ],
        ignore_index=True,
    )
    figure = "Fig 15" if scenario == 867 else "Fig 16"
    return Figure(
        id=f"devon-{figure.lower().replace(' ', '')}-idaci-{scenario}",
        title=(
            f"Against a total of {scenario:,} CAFs shared out by deprivation, {above} of "
            f"{plural(len(data), 'cluster')} undertook more CAFs than predicted"
        ),
        subtitle=(
            f"Predicted CAFs per AXS cluster (the cluster's IDACI-weighted share of {scenario:,} CAFs) and "
            "actual CAFs undertaken September 2007 to June 2009; number of CAFs, as printed; sorted by actual "
            "CAFs, most first."
        ),
        source=f"Redrawn from {figure}, {line_span(lines)} of {devon_file}.",
        data=data,
        labels={
            "cluster": "AXS cluster",
            "predicted_cafs_published": "Predicted CAFs, published",
            "actual_cafs": "Actual CAFs",
        },
        chart=charts.dot_comparison(_short_clusters(long), "cluster", "cafs", "series", "CAFs", [series, ACTUAL]),
    )


def activity_figure(activity: pd.DataFrame, role: str, devon_file: str) -> Figure:
    rows = activity[activity.role == role]
    what = {"caf_assessor": ("CAF assessments", "Fig 10"), "lead_professional": ("lead professional roles", "Fig 11")}
    noun, figure = what[role]
    data = pd.DataFrame(
        {
            "practitioners_did": rows.bucket_label.str.replace(
                r"^of individual practitioners have undertaken (LP role )?", "", regex=True
            ),
            "practitioners_pct_published": rows.practitioners_pct_published,
        }
    )
    total = data.practitioners_pct_published.sum()
    return Figure(
        id=f"devon-{figure.lower().replace(' ', '')}-{role.replace('_', '-')}",
        title=f"Most practitioners have taken on {noun} once; the printed shares add up to {total:g}%",
        subtitle=(
            f"Share of individual practitioners by the number of {noun} they have undertaken; per cent as "
            "printed, in the report's order. The groups overlap ('more than 1' includes '5–10' and 'more than 10'), so the bars are "
            "not parts of one whole; the report gives no counts."
        ),
        source=f"Redrawn from the comment under {figure} (a chart lost in the text), {line_span(rows.source_line)} of {devon_file}.",
        data=data,
        labels={
            "practitioners_did": "Practitioners who have undertaken",
            "practitioners_pct_published": "Practitioners (%), published",
        },
        chart=charts.hbar(
            data,
            "practitioners_did",
            "practitioners_pct_published",
            "Practitioners (%)",
            value_format=".1f",
            domain=(0, 100),
        ),
    )


def spend_figure(spend: pd.DataFrame, devon_file: str) -> Figure:
    rows = spend[spend.measure.str.startswith("spend_")]
    data = pd.DataFrame({"type_of_spend": rows.measure_label.str.capitalize(), "amount_gbp": rows.amount_gbp})
    return Figure(
        id="devon-fig16b-bhlp-spend-types",
        title=(
            f"{data.type_of_spend.iloc[0]} and {data.type_of_spend.iloc[1].lower()} are the two spend types "
            "the text names; the rest of the chart is lost"
        ),
        subtitle=(
            "Budget-holding lead professional spend by type, 1 April to 1 June 2009; pounds, as printed. Only "
            f"{plural(len(data), 'type')} of the lost chart are named in the text."
        ),
        source=f"Redrawn from the comment under Fig. 16 (Types of spend by BHLP), {line_span(rows.source_line)} of {devon_file}.",
        data=data,
        labels={"type_of_spend": "Type of spend", "amount_gbp": "Spend (£)"},
        chart=charts.hbar(data, "type_of_spend", "amount_gbp", "Spend (£)", value_format=",.0f"),
    )


def qa_figure(clusters: pd.DataFrame, devon_file: str) -> Figure:
    rows = clusters[clusters.has_qa_data].sort_values(["qa_average_pct", "row_order"], ascending=[False, True])
    data = pd.DataFrame(
        {
            "cluster": rows.cluster_name,
            "qa_lowest_pct": rows.qa_lowest_pct,
            "qa_average_pct": rows.qa_average_pct,
            "qa_highest_pct": rows.qa_highest_pct,
        }
    )
    inverted = data[(data.qa_average_pct < data.qa_lowest_pct) | (data.qa_average_pct > data.qa_highest_pct)]
    note = (
        f" In {', '.join(inverted.cluster)} the printed average lies outside the printed range (see Problems)."
        if len(inverted)
        else ""
    )
    return Figure(
        id="devon-fig17-quality-assurance",
        title=(
            f"Average quality-assurance scores of CAF forms range from {data.qa_average_pct.min():g}% to "
            f"{data.qa_average_pct.max():g}% in the {plural(len(data), 'cluster')} with data"
        ),
        subtitle=(
            "Lowest, average and highest score of completed CAF forms per AXS cluster since September 2009; "
            f"per cent as printed; sorted by average, highest first. {plural(len(clusters) - len(data), 'cluster')} printed “No Data” and "
            f"are not drawn.{note}"
        ),
        source=f"Redrawn from Fig 17, {line_span(rows.source_line_fig17)} of {devon_file}.",
        data=data,
        labels={
            "cluster": "AXS cluster",
            "qa_lowest_pct": "Lowest score (%)",
            "qa_average_pct": "Average score (%)",
            "qa_highest_pct": "Highest score (%)",
        },
        chart=charts.low_mid_high(
            _short_clusters(data),
            "cluster",
            "qa_lowest_pct",
            "qa_average_pct",
            "qa_highest_pct",
            "Score (%): lowest to highest, ◆ average",
        ),
    )


def training_figure(training: pd.DataFrame, devon_file: str) -> Figure:
    printed = training[training.practitioners_trained.notna()]
    data = pd.DataFrame(
        {
            # a total row is named by its printed label, a service row by organisation and service area
            "row_printed": printed.organisation_printed.where(
                printed.is_total_row, printed.organisation_name + " – " + printed.service_area
            ),
            "practitioners_trained": printed.practitioners_trained.astype(int),
        }
    )
    empty = int(training.practitioners_trained.isna().sum())
    return Figure(
        id="devon-fig20-training",
        title=(
            f"Fig 20 prints a count in only {plural(len(data), 'row')} of {len(training)}; the total is "
            f"{int(data.practitioners_trained.iloc[-1])}"
        ),
        subtitle=(
            f"AXS03 training by organisation and service area, March 2008 to June 2009, the rows with a printed "
            f"count (the other {empty} cells are empty in the document); number as printed. Shown as a table, "
            "not a chart: the printed counts are a few subtotals and a total far below the number of staff the "
            "report's text says were trained, so bars would present a fragment of the figure as if it were whole."
        ),
        source=f"Fig 20, {line_span(training.source_line)} of {devon_file}.",
        data=data,
        labels={"row_printed": "Row of Fig 20", "practitioners_trained": "Count printed"},
        chart=None,
    )


def _item_label(row) -> str:
    label = f"Q{int(row.question_no)}"
    if isinstance(row.sub_item_text, str) and row.sub_item_text:
        label += f" {row.item_code.rsplit('_', 1)[-1]}"
    return label


def _cell_label(row) -> str:
    if row.answer_status == "none":
        return "–"
    if row.answer_status == "multiple":
        return "mult"
    if row.answer_status == "split":
        return "split"
    if pd.isna(row.scale_rank):
        return "?"
    return f"{int(row.scale_rank)}/{int(row.scale_points)}"


def _answer(row) -> str:
    return {
        "none": "not answered",
        "multiple": row.marked_options_text,
        "split": row.split_answer_text,
    }.get(row.answer_status, row.option_text)


def self_assessment_figure(sector: pd.DataFrame, section_no: int, devon_file: str) -> Figure:
    rows = sector[sector.section_no == section_no].copy()
    rows["item"] = [_item_label(r) for r in rows.itertuples()]
    rows["cell"] = [_cell_label(r) for r in rows.itertuples()]
    data = pd.DataFrame(
        {
            "item": rows.item,
            "service": rows.service_name,
            "answer": [_answer(r) for r in rows.itertuples()],
            "scale_rank": rows.scale_rank,
            "scale_points": rows.scale_points,
            "maturity_score": rows.maturity_score,
            "cell_label": rows.cell,
        }
    )
    services = list(dict.fromkeys(rows.sort_values("service_order").service_name))
    items = list(dict.fromkeys(rows.item))
    scored = data.dropna(subset=["maturity_score"])
    means = scored.groupby("service").maturity_score.mean().sort_values()
    title = rows.section_title.iloc[0]
    headline = (
        f"{title}: {means.index[-1]} rates itself furthest along, {means.index[0]} least far"
        if len(means) > 1
        else f"{title}: only {plural(len(means), 'service')} answered"
    )
    return Figure(
        id=f"devon-self-assessment-section-{int(section_no)}",
        title=headline,
        subtitle=(
            f"Answer chosen by each service per item of section {int(section_no)} of the AXS self-assessment "
            f"template, as its position on the item's scale from least (1) to most developed (the last); "
            f"shading: 0–1 maturity score; “–” not answered, “?” an answer off the scale (“Don't know”), “mult” more than one option marked, “split” different answers for different staff. "
            f"{plural(len(services), 'service')}, {plural(len(items), 'item')}."
        ),
        source=f"Redrawn from the template tables of section {int(section_no)}, {line_span(rows.source_line)} of {devon_file}.",
        data=data,
        labels={
            "item": "Item",
            "service": "Service",
            "answer": "Answer chosen",
            "scale_rank": "Position on the scale",
            "scale_points": "Points on the scale",
            "maturity_score": "Maturity score (0–1)",
            "cell_label": "Label in the grid",
        },
        chart=charts.grid(data, "service", "item", "maturity_score", "cell_label", services, items),
    )
