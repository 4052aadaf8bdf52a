"""Appendix 3 Part Three: the CAF pathway switch-off dates."""

from __future__ import annotations

import re
from dataclasses import dataclass

from extract.devon.reading import (
    Row,
    _Doc,
    _strip_markup,
)
from warehouse.tables.devon import (
    AREAS,
    PATHWAY_COUNT,
)


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
