"""The two source documents: their file names and how to read them as numbered lines."""

from __future__ import annotations

from pathlib import Path

from warehouse.dbt_facts import dbt_vars

# document code -> file name in the shared sources folder (dbt carries them into staging)
DOCUMENTS = {code: dbt_vars()[f"{code}_document"] for code in ("appendix", "devon")}


def read_lines(path: str | Path) -> list[str]:
    """The document's lines without their line endings; index i holds line i + 1."""
    with open(path, encoding="utf-8", newline="") as fh:
        text = fh.read()
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
