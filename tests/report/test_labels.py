"""Short labels for charts, links from a problem to its chart, and checkers' reasons in words."""

from __future__ import annotations

import pytest

from warehouse.report.appendix_figures import whole_pct
from warehouse.report.labels import short_band, short_question, short_response
from warehouse.report.problems import chart_link, verdict_reason

PAGES = {9: "appendix-multi_agency_working.html", 22: "appendix-information_sharing.html"}


def test_a_question_is_labelled_by_its_number_and_its_theme():
    assert short_question(9, "Is there a shared vision for integrated working?") == "Q9 Shared vision"
    assert short_question(22, "Is multi agency training on information sharing available?") == "Q22 Training available"


def test_a_question_no_theme_matches_keeps_its_number_alone():
    assert short_question(7, "Something the themes do not know") == "Q7"


@pytest.mark.parametrize(
    ("printed", "short"),
    [
        ("5 - integrated and high quality", "5 integrated"),
        ("3 – midpoint", "3 midpoint"),
        ("2", "2"),
        ("Not applicable", "N/A"),
        ("Don't know", "Don't know"),
    ],
)
def test_an_answer_is_shortened_to_its_score_and_first_word(printed, short):
    assert short_response(printed) == short


def test_a_band_reads_from_to():
    assert short_band("2.5 and up to 2.8") == "2.5 to 2.8"
    assert short_band("3.5 and above") == "3.5 and above"


def test_shares_round_to_whole_per_cent_with_halves_up():
    assert whole_pct(1, 200) == 1  # 0.5 %
    assert whole_pct(139, 148) == 94  # 93.92 %
    assert whole_pct(68, 148) == 46  # 45.95 %


@pytest.mark.parametrize(
    ("about", "document", "link"),
    [
        ("appendix.information_sharing.q22_training", "appendix", ("appendix-information_sharing.html#q22", "Q22")),
        ("Q9", "appendix", ("appendix-multi_agency_working.html#q9", "Q9")),
        ("Fig 17/Honiton/Axe Valley", "devon", ("devon.html#devon-fig17-quality-assurance", "Fig 17")),
        ("s3_q03/1", "devon", ("devon.html#devon-self-assessment-section-3", "Self-assessment section 3")),
        (
            "devon.progress_report.delivered_through_19_clusters",
            "devon",
            ("devon.html#devon-fig14-cafs-per-1000", "Fig 14"),
        ),
        ("appendix.format.three_presentations", "appendix", None),
    ],
)
def test_a_problem_links_to_the_chart_it_concerns(about, document, link):
    assert chart_link(about, document, PAGES) == link


@pytest.mark.parametrize(
    ("detail", "words"),
    [
        (
            "Contradicted: abs(below_midpoint_pct - 50) <= 5 is false (below_midpoint_pct = 60).",
            "Below midpoint (%) is 60, more than 5 away from 50.",
        ),
        (
            "Contradicted: round(dont_know_pct) = 15 is false (dont_know_pct = 14.34).",
            "“don't know” (%) is 14.34, which does not round to 15.",
        ),
        (
            "Contradicted: dont_know_pct >= 22.5 and dont_know_pct < 25 is false (dont_know_pct = 20.91).",
            "“don't know” (%) is 20.91, not between 22.5 and 25.",
        ),
        ("22/23 is 95.65%, printed 95.5%.", "22/23 is 95.65%, printed 95.5%."),
    ],
)
def test_a_checkers_reason_is_given_in_words(detail, words):
    assert verdict_reason(detail) == words
