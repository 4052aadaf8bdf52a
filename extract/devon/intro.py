"""The report's introduction: headline figures stated in the text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from extract.devon.reading import (
    Row,
    _Doc,
)

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
