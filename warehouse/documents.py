"""The two source documents: their file names and how to read them as numbered lines."""

from __future__ import annotations

from pathlib import Path

# document code -> file name in the shared sources folder
DOCUMENTS = {
    "appendix": "000_acb803c9a0cac694.txt",
    "devon": "003_d2e0ae047b2de055.txt",
}


def read_lines(path: str | Path) -> list[str]:
    """The document's lines without their line endings; index i holds line i + 1."""
    with open(path, encoding="utf-8", newline="") as fh:
        text = fh.read()
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
