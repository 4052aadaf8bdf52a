"""Plant errors in copies of the raw CSVs and check that each is caught by the check that owns it
(docs/checks.md): a changed figure by the Great Expectations rule that compares it, at its source
line; a table made incomplete or a figure misplaced by the dbt test on its staging model; a null
the declaration forbids, or a repeated key, by the raw-file validator at ingest.

Value plants are GENERATED: for every kind of published figure (a band count, a band percentage,
a response total, a proportion, an average, a population, a rate per 1000, an IDACI share, a
prediction, a difference, a QA score, a template mark or Total, a parent numerator or
percentage, a practitioner-activity share, a stated headline figure, ...) a seeded random row is
picked and perturbed by more than the rule's tolerance. Each plant names the rule that must catch
it and the source line the finding must carry (the planted row's line, or for a rule on a group
the line the rule reports). No dbt test may fail on them: a figure is not a model's contract.

Structural plants (rows deleted, figures nulled or printed where the table prints none, a template
cell moved off its option, an item's kind changed, ...) are seeded too; each names the dbt tests
that must fail on it, ``dbt test`` runs on the staging models of the planted build, and no other
test may fail.

Plants are batched so that several share one rebuild: within a batch no two plants touch the
same group (a question's table, a figure row, a template option, ...), so one cannot mask
another. Two batches of value plants (two seeds) and one of structural plants are rebuilt and
checked; the staging layer of each is rebuilt from the planted CSVs (see ``rebuild_staging`` in
test_findings). Ingest plants change one file each (the validator stops at a file's first error)
and are checked by validating that file alone.
"""

import csv
import random
import re
import shutil
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

from warehouse.config import settings
from warehouse.raw_files import RawFileError, validate_csv
from warehouse.tables import TABLES
from warehouse.tables.appendix import AVERAGE_AUDIENCES, BAND_CELLS, QUESTION_COUNT, RESPONSE_ROWS
from warehouse.tables.devon import CLUSTER_COUNT, SERVICES

from .test_findings import (
    EXPECTED_FINDINGS,
    base_warehouse,
    dbt_test_staging,
    rebuild_staging,
    run_all_suites,
)

KNOWN_LINES = {line for _, _, line in EXPECTED_FINDINGS}  # rows already contradicting the report
VALUE_SEEDS = (11, 29)
STRUCTURAL_SEED = 7
TABLE_BY_FILE = {t.relpath: t for t in TABLES}
# Fig 17's three scores: raw column, staging column
QA_SCORES = (
    ("lowest_pct_published", "lowest_score_pct_published"),
    ("highest_pct_published", "highest_score_pct_published"),
    ("average_pct_published", "average_score_pct_published"),
)


@dataclass(frozen=True)
class Plant:
    kind: str
    relpath: str
    change: str
    rule_id: str
    source_line: int


@dataclass(frozen=True)
class StructuralPlant:
    kind: str
    relpath: str
    change: str
    dbt_tests: tuple[str, ...]  # the dbt tests that must fail on it (by name)


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

    # -- structural plants: a table made incomplete, a figure nulled or misplaced
    def structural(self) -> list[StructuralPlant]:
        rng, rows = self.rng, self.data.rows
        plants: list[StructuralPlant] = []

        def record(relpath, change, kind, tests):
            self.data.changed.add(relpath)
            plants.append(StructuralPlant(kind, relpath, change, tests))

        def delete(relpath, row, kind, *tests):
            rows[relpath].remove(row)
            record(relpath, f"row at line {row['source_line']} deleted", kind, tests)

        def set_(relpath, row, column, new, kind, *tests):
            old, row[column] = row[column], new
            record(relpath, f"{column} {old!r} -> {new!r} at line {row['source_line']}", kind, tests)

        def row_count(relpath, expected):
            return f"row_count_equals_stg_{relpath.replace('/', '__').removesuffix('.csv')}_{expected}"

        # the appendix: 59 questions, each with its 8 band cells, 7 response rows and 3 averages
        bands = "appendix/mean_score_bands.csv"
        row = self.pick(bands, lambda r: ("bands", r["question_id"]))
        delete(bands, row, "band cell missing", row_count(bands, QUESTION_COUNT * len(BAND_CELLS)))

        responses = "appendix/responses.csv"
        rgroup = lambda r: ("responses", r["question_id"])  # noqa: E731
        row = self.pick(responses, rgroup)
        delete(responses, row, "response row missing", row_count(responses, QUESTION_COUNT * len(RESPONSE_ROWS)))
        row = self.pick(responses, rgroup, lambda r: r["score"] != "")
        other = rng.choice([s for _, s, _ in RESPONSE_ROWS if s is not None and str(s) != row["score"]])
        set_(
            responses,
            row,
            "score",
            str(other),
            "response row scored as another",
            "responses_score_is_the_number_in_its_code",
        )

        averages = "appendix/average_scores.csv"
        row = self.pick(averages, lambda r: ("averages", r["question_id"]))
        delete(averages, row, "average missing", row_count(averages, QUESTION_COUNT * len(AVERAGE_AUDIENCES)))

        # Fig 14: 17 clusters and one Total row; each cluster row has its rate per 1000
        fig14 = "devon/cluster_cafs.csv"
        cgroup = lambda r: ("fig14", r["cluster_name"])  # noqa: E731
        clusters = lambda r: r["is_total"] == "false"  # noqa: E731
        row = self.pick(fig14, cgroup, clusters)
        delete(
            fig14,
            row,
            "Fig 14 cluster missing",
            "cluster_cafs_lists_17_clusters",
            # the seed's canonical cluster names are Fig 14's: one of them is no longer printed
            "relationships_cluster_aliases_cluster_name__cluster_name_printed__ref_stg_devon__cluster_cafs_",
        )
        row = self.pick(fig14, cgroup, lambda r: r["is_total"] == "true")
        delete(fig14, row, "Fig 14 Total row missing", "cluster_cafs_has_one_total_row")
        row = self.pick(fig14, cgroup, clusters)
        set_(
            fig14,
            row,
            "cafs_per_1000_published",
            "",
            "rate per 1000 null",
            "cluster_cafs_cluster_has_its_rate_per_1000",
        )

        # Figs 15 and 16: 17 clusters and one Total row each; a cluster from one, the Total from the other
        idaci = "devon/idaci_predictions.csv"
        igroup = lambda r: ("idaci", r["scenario_total"], r["cluster_name"])  # noqa: E731
        figure = {r["scenario_total"]: "fig" + re.sub(r"\D", "", r["figure"]) for r in rows[idaci]}
        first, second = rng.sample(sorted(figure), 2)
        row = self.pick(idaci, igroup, lambda r: r["scenario_total"] == first and r["is_total"] == "false")
        delete(idaci, row, "IDACI cluster missing", f"idaci_predictions_{figure[first]}_lists_17_clusters")
        row = self.pick(idaci, igroup, lambda r: r["scenario_total"] == second and r["is_total"] == "true")
        delete(idaci, row, "IDACI Total row missing", f"idaci_predictions_{figure[second]}_has_one_total_row")

        # Fig 17: 17 clusters; all three scores where the row has data, none where it prints "No Data"
        qa = "devon/qa_scores.csv"
        qgroup = lambda r: ("qa", r["cluster_name"])  # noqa: E731
        row = self.pick(qa, qgroup)
        delete(qa, row, "QA cluster missing", row_count(qa, CLUSTER_COUNT))
        (emptied, emptied_stg), (filled, filled_stg) = rng.sample(QA_SCORES, 2)
        row = self.pick(qa, qgroup, lambda r: r["has_data"] == "true")
        set_(qa, row, emptied, "", "QA score null", f"present_where_stg_devon__qa_scores_{emptied_stg}__has_data")
        row = self.pick(qa, qgroup, lambda r: r["has_data"] == "false")
        set_(
            qa,
            row,
            filled,
            str(rng.randint(0, 100)),
            "QA score where No Data is printed",
            f"present_where_stg_devon__qa_scores_{filled_stg}__has_data",
        )

        # the template: 7 services in columns 1-7; 7 cells on every option row, each on an option
        # of its item; the choice items, and only they, have options
        services = "devon/services.csv"
        moved, taken = rng.sample(rows[services], 2)
        set_(
            services,
            moved,
            "service_order",
            taken["service_order"],
            "two services in one column",
            "unique_stg_devon__services_service_order",
        )
        options, marks = "devon/template_options.csv", "devon/template_marks.csv"
        cells = len(rows[options]) * len(SERVICES)
        ogroup = lambda r: ("template", r["item_code"], r["option_order"])  # noqa: E731

        def cell_of(option):
            key = (option["item_code"], option["option_order"])
            return rng.choice([m for m in rows[marks] if (m["item_code"], m["option_order"]) == key])

        option = self.pick(options, ogroup)
        delete(marks, cell_of(option), "template cell missing", row_count(marks, cells))
        option = self.pick(options, ogroup)
        beyond = 1 + max(int(o["option_order"]) for o in rows[options] if o["item_code"] == option["item_code"])
        set_(
            marks,
            cell_of(option),
            "option_order",
            str(beyond),
            "template cell on an option its item does not have",
            "template_marks_cell_belongs_to_an_option",
        )
        items = "devon/template_items.csv"
        item_group = lambda r: ("item", r["item_code"])  # noqa: E731
        row = self.pick(items, item_group, lambda r: r["item_kind"] == "choice")
        set_(
            items, row, "item_kind", "free_text", "choice item made free text", "template_options_item_is_a_choice_item"
        )
        row = self.pick(items, item_group, lambda r: r["item_kind"] == "free_text")
        set_(
            items, row, "item_kind", "choice", "free-text item made a choice", "template_items_choice_item_has_options"
        )

        # the figures stated in the text: the ten the report states, each once; the outcome
        # figures: each measure, bucket and respondent group once
        headline = "devon/headline_figures.csv"
        row = self.pick(headline, lambda r: ("headline", r["figure_code"]))
        set_(
            headline,
            row,
            "figure_code",
            row["figure_code"] + "_restated",
            "headline figure the report does not state",
            "headline_figures_code_is_one_of_the_ten",
        )
        for relpath, kind in (
            ("devon/parent_feedback.csv", "parent measure missing"),
            ("devon/practitioner_activity.csv", "practitioner bucket missing"),
            ("devon/caf_review_outcomes.csv", "CAF review group missing"),
        ):
            expected = len(rows[relpath])
            row = self.pick(relpath, lambda r, relpath=relpath: (relpath,))
            delete(relpath, row, kind, row_count(relpath, expected))
        return plants


def make_batch(name: str) -> tuple[RawData, list]:
    data = RawData(settings().raw_dir)
    if name == "structural":
        return data, Planter(data, seed=STRUCTURAL_SEED).structural()
    seed = int(name.removeprefix("values-seed-"))
    return data, Planter(data, seed=seed).values()


VALUE_BATCHES = [f"values-seed-{s}" for s in VALUE_SEEDS]


def rebuild(name: str, tmp_path_factory) -> tuple[list, Path]:
    """The batch's plants and its planted staging warehouse."""
    base = base_warehouse(tmp_path_factory)
    data, plants = make_batch(name)
    work = tmp_path_factory.mktemp(name)
    data.write(work / "raw")
    return plants, rebuild_staging(base, work / "raw", data.changed, work / "build")


@pytest.fixture(scope="module", params=VALUE_BATCHES)
def planted(request, tmp_path_factory):
    plants, db = rebuild(request.param, tmp_path_factory)
    results = run_all_suites(db, db.parent / "data_docs", request.param)
    return request.param, plants, results, db


@pytest.fixture(scope="module")
def structural(tmp_path_factory):
    plants, db = rebuild("structural", tmp_path_factory)
    return plants, dbt_test_staging(db, db.parent)


def test_the_plan_has_enough_distinct_plants():
    plants = [p for name in VALUE_BATCHES for p in make_batch(name)[1]]
    assert len(plants) >= 20
    kinds = Counter(p.kind for p in plants)
    print("\nplants per kind:", dict(kinds))
    rules = {p.rule_id for p in plants}
    assert len(rules) >= 15, rules
    # one plant per group per batch: no two plants of a batch share a row
    for name in VALUE_BATCHES:
        batch = make_batch(name)[1]
        assert len({(p.relpath, p.change, p.source_line) for p in batch}) == len(batch)
    structural = make_batch("structural")[1]
    assert len({(p.relpath, p.change) for p in structural}) == len(structural)  # a change names its line


def test_each_planted_error_is_caught_where_it_was_planted(planted):
    name, plants, results, _ = planted
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


def test_value_plants_fail_no_dbt_test(planted, tmp_path):
    """A figure changed is the report against itself (a warn rule), not a break of a table's contract."""
    _, _, _, db = planted
    work = tmp_path / "dbt"
    work.mkdir()
    shutil.copyfile(db, work / db.name)  # dbt test writes its failures into the file
    statuses = dbt_test_staging(work / db.name, work)
    assert statuses, "no dbt test ran"
    assert {name: status for name, status in statuses.items() if status != "pass"} == {}


def test_every_plant_leaves_the_known_findings_in_place(planted):
    """Planting never hides a real contradiction (no plant touches a row that has one)."""
    _, _, results, _ = planted
    found = {(r.rule_id, f["row_key"], f["source_line"]) for r in results for f in r.findings}
    assert EXPECTED_FINDINGS - found == set()


def test_each_structural_plant_fails_the_dbt_tests_meant_for_it(structural):
    plants, statuses = structural
    print(f"\nstructural: {len(plants)} plants, {len(statuses)} dbt tests")
    missed = [(p, {t: statuses.get(t, "not run") for t in p.dbt_tests}) for p in plants]
    missed = [(p, found) for p, found in missed if set(found.values()) != {"fail"}]
    assert not missed, "\n".join(f"{p.kind} {p.relpath} {p.change}: {found}" for p, found in missed)


def test_structural_plants_fail_no_other_dbt_test(structural):
    plants, statuses = structural
    meant = {t for p in plants for t in p.dbt_tests}
    assert {name: status for name, status in statuses.items() if status != "pass" and name not in meant} == {}


def test_the_structural_plan_deletes_rows_and_nulls_figures_in_every_kind_of_table():
    plants = make_batch("structural")[1]
    deleted = {p.relpath for p in plants if p.change.endswith("deleted")}
    nulled = {p.relpath for p in plants if "-> ''" in p.change}
    assert {
        "appendix/mean_score_bands.csv",
        "appendix/responses.csv",
        "appendix/average_scores.csv",
        "devon/cluster_cafs.csv",
        "devon/idaci_predictions.csv",
        "devon/qa_scores.csv",
        "devon/template_marks.csv",
    } <= deleted
    assert {"devon/cluster_cafs.csv", "devon/qa_scores.csv"} <= nulled


# --------------------------------------------------------------------------- ingest plants

# a printed figure or a code the declaration says may not be empty, one per file
NULLED = (
    ("appendix/mean_score_bands.csv", "trusts_pct_published"),
    ("appendix/responses.csv", "frontline"),
    ("appendix/average_scores.csv", "avg_score_published"),
    ("devon/cluster_cafs.csv", "population_0_19"),
    ("devon/idaci_predictions.csv", "predicted_cafs_published"),
    ("devon/qa_scores.csv", "has_data"),
    ("devon/template_options.csv", "option_text"),
    ("devon/headline_figures.csv", "value"),
    ("devon/parent_feedback.csv", "denominator"),
    ("devon/practitioner_activity.csv", "pct_published"),
    ("devon/caf_review_outcomes.csv", "pct_published"),
)
# the tables whose declared key is the grain a check once guarded after ingest
REPEATED = (
    "appendix/mean_score_bands.csv",
    "appendix/responses.csv",
    "appendix/average_scores.csv",
    "devon/cluster_cafs.csv",
    "devon/idaci_predictions.csv",
    "devon/qa_scores.csv",
    "devon/template_options.csv",
    "devon/template_marks.csv",
)


def committed(relpath: str) -> tuple[list[str], list[dict[str, str]]]:
    with open(settings().raw_dir / relpath, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames), list(reader)


def write(path: Path, header: list[str], rows: list[dict[str, str]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def rejected(path: Path, relpath: str) -> RawFileError:
    with pytest.raises(RawFileError) as caught:
        validate_csv(path, TABLE_BY_FILE[relpath])
    return caught.value


@pytest.mark.parametrize(("relpath", "column"), NULLED)
def test_a_null_where_the_declaration_forbids_one_is_rejected_at_ingest(relpath, column, tmp_path):
    assert not next(c for c in TABLE_BY_FILE[relpath].columns if c.name == column).nullable
    header, rows = committed(relpath)
    index = random.Random(f"{relpath}/{column}").randrange(len(rows))
    rows[index][column] = ""
    path = write(tmp_path / Path(relpath).name, header, rows)
    error = rejected(path, relpath)
    assert (error.path, error.line, error.column) == (path, index + 2, column)  # line 1: the header


@pytest.mark.parametrize("relpath", REPEATED)
def test_a_repeated_key_is_rejected_at_ingest(relpath, tmp_path):
    header, rows = committed(relpath)
    index = random.Random(relpath).randrange(len(rows))
    rows.insert(index + 1, dict(rows[index]))
    path = write(tmp_path / Path(relpath).name, header, rows)
    error = rejected(path, relpath)
    assert (error.path, error.line) == (path, index + 3) and "duplicate key" in str(error)
