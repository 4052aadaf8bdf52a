"""Plant errors in copies of the raw CSVs and check the suites catch each one where it was planted.

Plants are GENERATED: for every kind of published figure (a band count, a band percentage, a
response total, a proportion, an average, a population, a rate per 1000, an IDACI share, a
prediction, a difference, a QA score, a template mark or Total, a parent numerator or
percentage, a practitioner-activity share, a stated headline figure, ...) a seeded random row
is picked and perturbed by more than the rule's tolerance. Each plant names the rule that must
catch it and the source line the finding must carry (the planted row's line, or for a rule on
a group the line the rule reports).

Plants are batched so that several share one rebuild: within a batch no two plants touch the
same group (a question's table, a figure row, a template option, ...), so one cannot mask
another. Two batches of value plants (two seeds) and one of structural plants (rows deleted,
figures nulled) are rebuilt and checked; the staging layer of each is rebuilt from the planted
CSVs (see ``rebuild_staging`` in test_findings).
"""

import csv
import random
import shutil
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

from warehouse.config import settings
from warehouse.tables import TABLES

from .test_findings import EXPECTED_FINDINGS, base_warehouse, rebuild_staging, run_all_suites

KNOWN_LINES = {line for _, _, line in EXPECTED_FINDINGS}  # rows already contradicting the report
VALUE_SEEDS = (11, 29)


@dataclass(frozen=True)
class Plant:
    kind: str
    relpath: str
    change: str
    rule_id: str
    source_line: int


class RawData:
    """The committed raw CSVs as lists of dicts (strings as written), editable, writable."""

    def __init__(self, raw_dir: Path):
        self.headers: dict[str, list[str]] = {}
        self.rows: dict[str, list[dict[str, str]]] = {}
        for table in TABLES:
            with open(raw_dir / table.relpath, newline="", encoding="utf-8") as fh:
                reader = csv.DictReader(fh)
                self.headers[table.relpath] = list(reader.fieldnames)
                self.rows[table.relpath] = list(reader)
        self.changed: set[str] = set()

    def write(self, raw_dir: Path) -> None:
        shutil.copytree(settings().raw_dir, raw_dir)
        for relpath in self.changed:
            with open(raw_dir / relpath, "w", newline="", encoding="utf-8") as fh:
                writer = csv.DictWriter(fh, fieldnames=self.headers[relpath], lineterminator="\n")
                writer.writeheader()
                writer.writerows(self.rows[relpath])


class Planter:
    """Generates plants on a RawData; at most one plant per group."""

    def __init__(self, data: RawData, seed: int):
        self.data, self.rng, self.used = data, random.Random(seed), set()
        self.plants: list[Plant] = []

    # -- helpers
    def pick(self, relpath, group, where=lambda r: True):
        candidates = [
            r
            for r in self.data.rows[relpath]
            if where(r) and group(r) not in self.used and int(r["source_line"]) not in KNOWN_LINES
        ]
        assert candidates, f"no candidate row left in {relpath}"
        row = self.rng.choice(candidates)
        self.used.add(group(row))
        return row

    def delta(self, lo, hi):
        return self.rng.choice((-1, 1)) * self.rng.randint(lo, hi)

    def set(self, relpath, row, column, new, kind, rule_id, line=None):
        old = row[column]
        row[column] = new
        self.data.changed.add(relpath)
        line = int(row["source_line"]) if line is None else line
        self.plants.append(Plant(kind, relpath, f"{column} {old!r} -> {new!r}", rule_id, line))

    def delete(self, relpath, row, kind, rule_id, line):
        self.data.rows[relpath].remove(row)
        self.data.changed.add(relpath)
        self.plants.append(Plant(kind, relpath, f"row at line {row['source_line']} deleted", rule_id, line))

    @staticmethod
    def within(value, delta, lo, hi):
        """value + delta, or value - delta when that leaves [lo, hi]."""
        return value + delta if lo <= value + delta <= hi else value - delta

    # -- value plants: one of each kind
    def values(self) -> list[Plant]:
        rng = self.rng
        bands = "appendix/mean_score_bands.csv"
        qgroup = lambda r: ("bands", r["question_id"])  # noqa: E731
        row = self.pick(bands, qgroup, lambda r: int(r["cell_order"]) <= 6)
        self.set(
            bands,
            row,
            "trusts",
            str(self.within(int(row["trusts"]), self.delta(2, 9), 0, 150)),
            "band count",
            "bands_plus_missing_equal_150",
        )
        row = self.pick(bands, qgroup, lambda r: r["cell_code"] == "total_above_midpoint")
        self.set(
            bands,
            row,
            "trusts",
            str(self.within(int(row["trusts"]), self.delta(2, 9), 0, 150)),
            "band total above midpoint",
            "bands_total_above_midpoint_is_sum",
        )
        row = self.pick(bands, qgroup)
        self.set(
            bands,
            row,
            "trusts_pct_published",
            str(self.within(int(row["trusts_pct_published"]), rng.randint(2, 9), 0, 100)),
            "band percentage",
            "bands_pct_matches_count",
        )

        # a question's responses and averages are one group: totals feed the proportions'
        # denominator and the total audience's average
        responses, averages = "appendix/responses.csv", "appendix/average_scores.csv"
        agroup = lambda r: ("appendix_question", r["question_id"])  # noqa: E731
        row = self.pick(responses, agroup)
        self.set(
            responses,
            row,
            "total",
            str(self.within(int(row["total"]), self.delta(1, 40), 0, 10**6)),
            "response total",
            "responses_total_is_leaders_plus_frontline",
        )
        row = self.pick(responses, agroup)
        self.set(
            responses,
            row,
            "proportion_pct_published",
            str(self.within(int(row["proportion_pct_published"]), rng.randint(2, 9), 0, 100)),
            "response proportion",
            "responses_proportion_matches_total",
        )
        row = self.pick(averages, agroup)
        new = self.within(Decimal(row["avg_score_published"]), Decimal(rng.randint(5, 50)) / 100, 1, 5)
        self.set(averages, row, "avg_score_published", f"{new:.2f}", "average score", "averages_match_weighted_mean")

        fig14 = "devon/cluster_cafs.csv"
        cgroup = lambda r: ("fig14", r["cluster_name"])  # noqa: E731
        row = self.pick(fig14, cgroup, lambda r: r["is_total"] == "false")
        population, cafs, rate = int(row["population_0_19"]), int(row["cafs"]), float(row["cafs_per_1000_published"])
        for share in range(10, 90, 5):
            new_pop = population + rng.choice((-1, 1)) * population * share // 100
            if abs(cafs * 1000 / new_pop - rate) > 0.02:
                break
        self.set(fig14, row, "population_0_19", str(new_pop), "0-19 population", "clusters_rate_per_1000_matches")
        row = self.pick(fig14, cgroup, lambda r: r["is_total"] == "false")
        new = self.within(Decimal(row["cafs_per_1000_published"]), Decimal(rng.randint(10, 300)) / 100, 0, 9999)
        self.set(fig14, row, "cafs_per_1000_published", f"{new:.2f}", "rate per 1000", "clusters_rate_per_1000_matches")
        row["cafs_per_1000_text"] = f"{new:.2f}"

        idaci = "devon/idaci_predictions.csv"
        igroup = lambda r: ("idaci", r["scenario_total"], r["cluster_name"])  # noqa: E731
        clusters = lambda r: r["is_total"] == "false"  # noqa: E731
        row = self.pick(idaci, igroup, clusters)
        new = self.within(Decimal(row["idaci_share_pct_published"]), Decimal(rng.randint(10, 100)) / 100, 0, 100)
        self.set(
            idaci, row, "idaci_share_pct_published", f"{new:.2f}", "IDACI share", "idaci_predicted_is_share_of_total"
        )
        row = self.pick(idaci, igroup, clusters)
        new = self.within(Decimal(row["predicted_cafs_published"]), Decimal(rng.randint(100, 2000)) / 100, 0, 10**5)
        self.set(
            idaci, row, "predicted_cafs_published", f"{new:.2f}", "predicted CAFs", "idaci_predicted_is_share_of_total"
        )
        row = self.pick(idaci, igroup, clusters)
        new = Decimal(row["difference_published"]) + Decimal(self.delta(100, 2000)) / 100
        self.set(
            idaci,
            row,
            "difference_published",
            f"{new:.2f}",
            "IDACI difference",
            "idaci_difference_is_actual_minus_predicted",
        )

        qa = "devon/qa_scores.csv"
        row = self.pick(qa, lambda r: ("qa", r["cluster_name"]), lambda r: r["has_data"] == "true")
        low, high, d = int(row["lowest_pct_published"]), int(row["highest_pct_published"]), rng.randint(2, 10)
        new = low - d if low - d >= 0 else min(high + d, 100)
        self.set(
            qa,
            row,
            "average_pct_published",
            str(new),
            "QA average outside lowest-highest",
            "qa_lowest_le_average_le_highest",
        )

        options, marks = "devon/template_options.csv", "devon/template_marks.csv"
        chosen = Counter()
        for m in self.data.rows[marks]:
            chosen[(m["item_code"], m["option_order"])] += int(m["mark"]) if m["mark"] else int(bool(m["cell_text"]))
        consistent = lambda r: int(r["total_published"]) == chosen[(r["item_code"], r["option_order"])]  # noqa: E731
        ogroup = lambda r: ("template", r["item_code"], r["option_order"])  # noqa: E731
        option = self.pick(options, ogroup, consistent)
        cell = rng.choice(
            [
                m
                for m in self.data.rows[marks]
                if (m["item_code"], m["option_order"]) == (option["item_code"], option["option_order"])
                and m["cell_text"] in ("", "1")
            ]
        )
        new = "" if cell["cell_text"] == "1" else "1"
        self.set(
            marks,
            cell,
            "cell_text",
            new,
            "template mark",
            "template_option_total_is_sum_of_marks",
            line=int(option["source_line"]),
        )
        cell["mark"] = new
        option = self.pick(options, ogroup, consistent)
        self.set(
            options,
            option,
            "total_published",
            str(self.within(int(option["total_published"]), 1, 0, 7)),
            "template option Total",
            "template_option_total_is_sum_of_marks",
        )

        parents = "devon/parent_feedback.csv"
        pgroup = lambda r: ("parents", r["measure"])  # noqa: E731
        row = self.pick(parents, pgroup)
        self.set(
            parents,
            row,
            "numerator",
            str(self.within(int(row["numerator"]), rng.randint(1, 3), 0, int(row["denominator"]))),
            "parent numerator",
            "parent_feedback_pct_matches_ratio",
        )
        row = self.pick(parents, pgroup)
        new = self.within(Decimal(row["pct_published"]), Decimal(rng.randint(3, 50)) / 10, 0, 100)
        self.set(parents, row, "pct_published", f"{new:.1f}", "parent percentage", "parent_feedback_pct_matches_ratio")

        activity = "devon/practitioner_activity.csv"
        rows = self.data.rows[activity]
        more_than_1 = next(r for r in rows if (r["figure"], r["bucket"]) == ("Fig 10", "more_than_1"))
        row = self.pick(
            activity,
            lambda r: ("activity", r["figure"]),
            lambda r: r["figure"] == "Fig 10" and r["bucket"] in ("more_than_1", "exactly_1"),
        )
        self.set(
            activity,
            row,
            "pct_published",
            str(int(Decimal(row["pct_published"])) + self.delta(3, 10)),
            "practitioner share",
            "practitioner_activity_parts_sum_to_100",
            line=int(more_than_1["source_line"]),
        )

        headline = "devon/headline_figures.csv"
        hgroup = lambda r: ("headline", r["figure_code"])  # noqa: E731
        for code, rule_id in (
            ("caf_episodes_sep2007_jun2009", "headline_caf_episodes_equal_fig14_total"),
            ("qa_cluster_areas_assessed", "qa_clusters_assessed_statement"),
        ):
            row = self.pick(headline, hgroup, lambda r, code=code: r["figure_code"] == code)
            new = int(Decimal(row["value"])) + rng.randint(1, 5)
            self.set(headline, row, "value", str(new), f"stated figure {code}", rule_id)
            row["value_printed"] = str(new)
        return self.plants

    # -- structural plants: a table made incomplete, a figure nulled
    def structural(self) -> list[Plant]:
        rng = self.rng

        def min_line(relpath, where):
            return min(int(r["source_line"]) for r in self.data.rows[relpath] if where(r))

        bands = "appendix/mean_score_bands.csv"
        row = self.pick(bands, lambda r: ("bands", r["question_id"]))
        self.delete(bands, row, "band cell missing", "bands_table_complete", int(row["source_line"]))

        responses = "appendix/responses.csv"
        row = self.pick(responses, lambda r: ("responses", r["question_id"]))
        line = min_line(responses, lambda r: r["question_id"] == row["question_id"] and r is not row)
        self.delete(responses, row, "response row missing", "responses_table_complete", line)

        averages = "appendix/average_scores.csv"
        row = self.pick(averages, lambda r: ("averages", r["question_id"]))
        self.delete(averages, row, "average missing", "averages_table_complete", int(row["source_line"]))

        fig14 = "devon/cluster_cafs.csv"
        gone = self.pick(fig14, lambda r: ("fig14", r["cluster_name"]), lambda r: r["is_total"] == "false")
        line = min_line(fig14, lambda r: r["is_total"] == "false" and r is not gone)
        self.delete(fig14, gone, "Fig 14 cluster missing", "clusters_fig14_complete", line)
        row = self.pick(fig14, lambda r: ("fig14", r["cluster_name"]), lambda r: r["is_total"] == "false")
        self.set(fig14, row, "cafs_per_1000_published", "", "rate per 1000 null", "clusters_fig14_values_not_null")

        idaci = "devon/idaci_predictions.csv"
        gone = self.pick(idaci, lambda r: ("idaci", r["scenario_total"]), lambda r: r["is_total"] == "false")
        line = min_line(
            idaci,
            lambda r: r["scenario_total"] == gone["scenario_total"] and r["is_total"] == "false" and r is not gone,
        )
        self.delete(idaci, gone, "IDACI cluster missing", "idaci_figures_complete", line)

        qa = "devon/qa_scores.csv"
        gone = self.pick(qa, lambda r: ("qa", r["cluster_name"]))
        line = min_line(qa, lambda r: r is not gone)
        self.delete(qa, gone, "QA cluster missing", "qa_table_complete", line)
        row = self.pick(qa, lambda r: ("qa", r["cluster_name"]), lambda r: r["has_data"] == "true")
        column = rng.choice(("lowest_pct_published", "highest_pct_published", "average_pct_published"))
        self.set(qa, row, column, "", "QA score null", "qa_scores_present_where_data")

        options, marks = "devon/template_options.csv", "devon/template_marks.csv"
        option = self.pick(options, lambda r: ("template", r["item_code"], r["option_order"]))
        cell = rng.choice(
            [
                m
                for m in self.data.rows[marks]
                if (m["item_code"], m["option_order"]) == (option["item_code"], option["option_order"])
            ]
        )
        self.delete(marks, cell, "template cell missing", "template_option_cells_complete", int(option["source_line"]))
        return self.plants


def make_batch(name: str) -> tuple[RawData, list[Plant]]:
    data = RawData(settings().raw_dir)
    if name == "structural":
        return data, Planter(data, seed=7).structural()
    seed = int(name.removeprefix("values-seed-"))
    return data, Planter(data, seed=seed).values()


BATCHES = [f"values-seed-{s}" for s in VALUE_SEEDS] + ["structural"]


@pytest.fixture(scope="module", params=BATCHES)
def planted(request, tmp_path_factory):
    base = base_warehouse(tmp_path_factory)
    data, plants = make_batch(request.param)
    work = tmp_path_factory.mktemp(request.param)
    data.write(work / "raw")
    db = rebuild_staging(base, work / "raw", data.changed, work / "build")
    results = run_all_suites(db, work / "data_docs", request.param)
    return request.param, plants, results


def test_the_plan_has_enough_distinct_plants():
    plants = [p for name in BATCHES for p in make_batch(name)[1]]
    assert len(plants) >= 20
    kinds = Counter(p.kind for p in plants)
    print("\nplants per kind:", dict(kinds))
    rules = {p.rule_id for p in plants}
    assert len(rules) >= 15, rules
    # one plant per group per batch: no two plants of a batch share a row
    for name in BATCHES:
        batch = make_batch(name)[1]
        assert len({(p.relpath, p.change, p.source_line) for p in batch}) == len(batch)


def test_each_planted_error_is_caught_where_it_was_planted(planted):
    name, plants, results = planted
    by_rule = {r.rule_id: r for r in results}
    missed = []
    for plant in plants:
        lines = {f["source_line"] for f in by_rule[plant.rule_id].findings}
        if plant.source_line not in lines:
            missed.append((plant, sorted(lines)))
    tally = Counter(p.rule_id for p in plants)
    print(f"\n{name}: {len(plants) - len(missed)}/{len(plants)} plants caught; by rule {dict(tally)}")
    assert not missed, "\n".join(
        f"{p.kind} {p.relpath} {p.change}: {p.rule_id} did not report line {p.source_line} (it reported {lines})"
        for p, lines in missed
    )
    assert [(r.rule_id, r.error) for r in results if r.error] == []


def test_value_plants_break_no_structural_rule(planted):
    name, plants, results = planted
    failing_errors = sorted(r.rule_id for r in results if r.severity == "error" and not r.passed)
    if name == "structural":
        assert set(failing_errors) == {p.rule_id for p in plants}
    else:
        assert failing_errors == []


def test_every_plant_leaves_the_known_findings_in_place(planted):
    """Planting never hides a real contradiction (no plant touches a row that has one)."""
    _, _, results = planted
    found = {(r.rule_id, f["row_key"], f["source_line"]) for r in results for f in r.findings}
    assert EXPECTED_FINDINGS - found == set()
