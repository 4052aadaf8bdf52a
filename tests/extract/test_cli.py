"""The extractor command: re-runnable, byte-identical, all-or-nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from extract.__main__ import main
from warehouse.config import settings
from warehouse.tables import TABLES


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def run(appendix: Path, devon: Path, out: Path) -> int:
    return main(["--appendix", str(appendix), "--devon", str(devon), "--out", str(out)])


def test_it_writes_every_declared_table_and_the_data_dictionary(appendix_path, devon_path, tmp_path):
    assert run(appendix_path, devon_path, tmp_path) == 0
    assert set(tree(tmp_path)) == {t.relpath for t in TABLES} | {"README.md"}


def test_running_it_twice_gives_byte_identical_files(appendix_path, devon_path, tmp_path):
    run(appendix_path, devon_path, tmp_path / "first")
    run(appendix_path, devon_path, tmp_path / "second")
    assert tree(tmp_path / "first") == tree(tmp_path / "second")


def test_the_committed_raw_files_equal_a_fresh_extraction(appendix_path, devon_path, tmp_path):
    run(appendix_path, devon_path, tmp_path)
    committed = settings().project_root / "raw"
    fresh = tree(tmp_path)
    stale = [name for name, data in fresh.items() if (committed / name).read_bytes() != data]
    assert not stale, f"raw/ is out of date, re-run `make extract`: {stale}"


def test_every_data_dictionary_section_names_its_columns(appendix_path, devon_path, tmp_path):
    run(appendix_path, devon_path, tmp_path)
    dictionary = (tmp_path / "README.md").read_text()
    for table in TABLES:
        section = dictionary.split(f"## `{table.relpath}`")[1].split("\n## ")[0]
        for column in table.column_names:
            assert f"| `{column}` |" in section, (table.relpath, column)


@pytest.mark.parametrize(
    ("document", "cut_at_line"),
    [("appendix", 700), ("devon", 850)],
    ids=["truncated-appendix", "truncated-devon"],
)
def test_a_truncated_document_fails_naming_it_and_writes_nothing(
    appendix_path, devon_path, tmp_path, capsys, document, cut_at_line
):
    source = appendix_path if document == "appendix" else devon_path
    truncated = tmp_path / source.name
    truncated.write_text("\n".join(source.read_text(encoding="utf-8").split("\n")[:cut_at_line]), encoding="utf-8")
    out = tmp_path / "raw"
    run(appendix_path, devon_path, out)
    before = tree(out)
    paths = {"appendix": appendix_path, "devon": devon_path, document: truncated}
    assert run(paths["appendix"], paths["devon"], out) == 1
    assert str(truncated) in capsys.readouterr().err
    assert tree(out) == before


def test_a_corrupted_table_fails_with_its_line_and_leaves_the_output_alone(appendix_path, devon_path, tmp_path, capsys):
    lines = devon_path.read_text(encoding="utf-8").split("\n")
    assert lines[857].startswith("Okehampton & Tavistock\t109\t")  # line 858
    lines[857] = "Okehampton & Tavistock\t1O9\t10656\t10.23"
    corrupted = tmp_path / devon_path.name
    corrupted.write_text("\n".join(lines), encoding="utf-8")
    out = tmp_path / "raw"
    assert run(appendix_path, corrupted, out) == 1
    assert f"{corrupted}:858" in capsys.readouterr().err
    assert not out.exists() or tree(out) == {}
