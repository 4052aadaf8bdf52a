"""The claims register loads, refuses malformed claims by name, and its verdicts follow the data.

The planted changes edit one value of a copy of the built warehouse and judge the claims again
(cheaper than another run of the job): a claim that holds on the documents' figures must flip.
"""

from __future__ import annotations

import re
import shutil
import textwrap

import duckdb
import pytest
import yaml

from warehouse.config import settings
from warehouse.quality.claim_verdicts import evaluate_claims, write_claims
from warehouse.quality.claims import VERDICTS, ClaimsError, load_claims_file, load_register


@pytest.fixture(scope="module")
def register():
    return load_register()


@pytest.fixture
def warehouse_copy(warehouse, tmp_path):
    db = tmp_path / "warehouse.duckdb"
    shutil.copyfile(warehouse.build_db, db)
    return db


def verdicts_on(db, register, ids: list[str]) -> dict[str, tuple[str | None, dict]]:
    claims = [c for c in register.claims if c.id in ids]
    with duckdb.connect(str(db)) as con:
        return {r.claim.id: (r.verdict, r.evidence) for r in evaluate_claims(con, claims)}


# --- the register ----------------------------------------------------------------------------


def test_the_register_has_claims_from_both_documents_with_unique_ids(register):
    ids = [c.id for c in register.claims]
    assert len(ids) == len(set(ids))
    assert sum(c.document == "appendix" for c in register.claims) >= 50
    assert sum(c.document == "devon" for c in register.claims) >= 30


def test_every_claim_reads_the_marts_or_says_what_was_lost(register):
    for claim in register.claims:
        assert claim.lost or (claim.evidence and claim.holds), claim.id
        assert claim.asset.startswith(("marts.", "staging.")), claim.id
        # staging only where no mart carries the figure
        if claim.evidence and claim.asset.startswith("staging."):
            assert "marts." not in claim.evidence, claim.id


def test_every_exclusion_reason_is_explained(register):
    assert {e.reason for e in register.exclusions} <= set(register.reasons)
    assert all(len(text) > 20 for text in register.reasons.values())


def readme_readings() -> dict[str, str]:
    """The named readings as the README lists them, read here without the loader: the rows of
    the table under "## Named readings" whose first cell is a `name`."""
    text = (settings().expectations_dir / "claims" / "README.md").read_text(encoding="utf-8")
    section = text.split("## Named readings", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `([a-z_]+)` \| ([^|]+) \| ([^|]+) \| ([^|]+) \|$", section, flags=re.M)
    return {name: applies for name, _, _, applies in rows}


def register_alternatives() -> dict[str, str | None]:
    """Every claim with an under_reading rule, read from the YAML files: id -> alternative_reading."""
    found = {}
    for path in sorted((settings().expectations_dir / "claims").glob("*.yml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for claim in doc.get("claims", []) if "claims" in doc else []:
            if "under_reading" in claim:
                found[claim["id"]] = claim.get("alternative_reading")
    return found


def test_the_readme_names_a_closed_list_of_readings_each_saying_when_it_applies():
    readings = readme_readings()
    assert set(readings) == {"both_audiences", "pooled_questions"}
    assert all(len(applies.strip()) > 40 for applies in readings.values())


def test_every_holds_only_under_claim_names_a_reading_of_the_readme_list(register):
    readings = readme_readings()
    alternatives = register_alternatives()
    assert alternatives, "the register has claims with an alternative reading"
    unnamed = {claim_id: name for claim_id, name in alternatives.items() if name not in readings}
    assert unnamed == {}
    # and every claim judged "holds only under" is one of them
    assert {c.id for c in register.claims if c.under_reading} == set(alternatives)


def test_the_claims_of_one_sentence_name_the_same_reading(register):
    # e.g. line 623, "15 per cent respondents to questions 27, 28 and 32": one claim per question,
    # each with the pooled share over the three as its named reading, whether it holds or not
    by_sentence: dict[tuple[int, str], set[str | None]] = {}
    for claim in register.claims:
        if claim.lost is None:
            by_sentence.setdefault((claim.line, claim.quote), set()).add(claim.alternative_reading)
    mixed = {sentence: names for sentence, names in by_sentence.items() if len(names) > 1}
    assert mixed == {}


def test_a_claim_naming_a_reading_not_in_the_list_is_refused(tmp_path):
    register_dir = tmp_path / "claims"
    shutil.copytree(settings().expectations_dir / "claims", register_dir)
    path = register_dir / "appendix_multi_agency_working.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("alternative_reading: both_audiences", "alternative_reading: printed_rounding", 1))
    with pytest.raises(ClaimsError, match="printed_rounding.*is not a named reading"):
        load_register(register_dir)


def write(tmp_path, body: str):
    path = tmp_path / "appendix_test.yml"
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


def test_a_claim_without_a_verdict_rule_is_refused_by_file_and_id(tmp_path):
    path = write(
        tmp_path,
        """
        document: appendix
        section: Test
        claims:
          - id: appendix.test.no_rule
            line: 23
            quote: only nine
            reading: a reading
            evidence: select 1 as x from marts.question
    """,
    )
    with pytest.raises(ClaimsError, match=r"appendix_test\.yml: claim 'appendix\.test\.no_rule': needs a verdict rule"):
        load_claims_file(path)


def test_a_lost_claim_with_a_verdict_rule_and_an_unknown_field_are_refused(tmp_path):
    path = write(
        tmp_path,
        """
        document: appendix
        section: Test
        asset: marts.question
        claims:
          - id: appendix.test.lost_and_judged
            line: 30
            quote: eight sectors
            reading: a reading
            lost: the charts
            holds: x = 1
            verdict: holds
    """,
    )
    with pytest.raises(ClaimsError) as error:
        load_claims_file(path)
    assert "takes no verdict rule" in str(error.value)
    assert "unknown field 'verdict'" in str(error.value)


def test_an_id_of_the_other_document_is_refused(tmp_path):
    path = write(
        tmp_path,
        """
        document: appendix
        section: Test
        claims:
          - id: devon.test.wrong_document
            line: 23
            quote: q
            reading: r
            evidence: select 1 as x from marts.question
            holds: x = 1
    """,
    )
    with pytest.raises(ClaimsError, match="starting with 'appendix'"):
        load_claims_file(path)


def test_the_dagster_checks_are_one_per_register_file_on_its_claims_asset(register):
    import dagster as dg

    from dagster_project.assets.claim_checks import build_claim_checks

    specs = {spec.name: spec for spec in build_claim_checks().check_specs}
    files = {c.source_file.stem for c in register.claims}
    assert set(specs) == {f"claims__{stem}" for stem in files}
    for stem in files:
        assets = {c.asset for c in register.claims if c.source_file.stem == stem}
        assert specs[f"claims__{stem}"].asset_key in {dg.AssetKey(a.split(".")) for a in assets}
        # blocking only orders the checks before publish; every result is WARN (never gates)
        assert specs[f"claims__{stem}"].blocking


# --- verdicts follow the data ----------------------------------------------------------------


def test_a_planted_band_count_flips_q1_only_nine_from_holds_to_contradicted(warehouse_copy, register):
    claim_id = "appendix.multi_agency_working.q1_only_nine_below_3"
    assert verdicts_on(warehouse_copy, register, [claim_id])[claim_id][0] == "holds"
    with duckdb.connect(str(warehouse_copy)) as con:
        # appendix line 41 prints 0 trusts below 2.5 on Q1; plant 3 there
        con.execute("update marts.band set trusts = 3 where question_id = 1 and band_code = 'below_2_5'")
    verdict, evidence = verdicts_on(warehouse_copy, register, [claim_id])[claim_id]
    assert evidence["trusts_below_3"] == 3 + 4 + 5
    assert verdict == "contradicted"


def test_a_planted_qa_row_flips_8_cluster_areas_from_holds_to_contradicted(warehouse_copy, register):
    claim_id = "devon.quality_assurance.eight_cluster_areas_assessed"
    with duckdb.connect(str(warehouse_copy)) as con:
        # Devon line 938 prints "No Data" for Bideford; plant scores there
        con.execute("update marts.cluster set has_qa_data = true where cluster_name = 'Bideford'")
    verdict, evidence = verdicts_on(warehouse_copy, register, [claim_id])[claim_id]
    assert evidence["clusters_with_qa_scores"] == 9
    assert verdict == "contradicted"


def test_a_claim_that_cannot_be_evaluated_reports_its_error_and_writes_no_verdict(warehouse_copy, register):
    claim_id = "devon.caf_totals.total_867_episodes"
    with duckdb.connect(str(warehouse_copy)) as con:
        con.execute("alter table marts.cluster rename column cafs to cafs_renamed")
        results = evaluate_claims(con, [c for c in register.claims if c.id == claim_id])
        assert results[0].verdict is None and "cafs" in results[0].error
        write_claims(con, "planted-run", results)
        assert con.execute("select count(*) from quality.claims where run_id = 'planted-run'").fetchone() == (0,)
        assert con.execute(
            "select passed, error is not null from quality.check_results where run_id = 'planted-run'"
        ).fetchone() == (False, True)


def test_writing_a_run_twice_keeps_one_row_per_claim(warehouse_copy, register):
    with duckdb.connect(str(warehouse_copy)) as con:
        results = evaluate_claims(con, register.claims)
        assert [(r.claim.id, r.error) for r in results if r.error] == []  # every claim evaluable
        write_claims(con, "rerun", results)
        write_claims(con, "rerun", results)
        count, distinct = con.execute(
            "select count(*), count(distinct claim_id) from quality.claims where run_id = 'rerun'"
        ).fetchone()
        latest = con.execute("select distinct run_id from quality.latest_claims").fetchall()
        verdicts = {v for (v,) in con.execute("select distinct verdict from quality.claims").fetchall()}
    assert count == distinct == len(register.claims)
    assert latest == [("rerun",)]
    assert verdicts <= set(VERDICTS)
