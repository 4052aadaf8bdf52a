"""The corpus of malformed raw inputs (cases.yml): each is rejected where it is wrong, and the
published warehouse is byte-identical afterwards."""

from __future__ import annotations

import csv
import hashlib
import io
import shutil
from pathlib import Path

import pytest
import yaml

from tests.conftest import pipeline_env, run_main_command
from warehouse.config import settings
from warehouse.raw_files import RawFileError, validate_csv
from warehouse.tables import TABLES

pytestmark = pytest.mark.story

CASES = yaml.safe_load((Path(__file__).parent / "cases.yml").read_text(encoding="utf-8"))
INGEST_CASES = [c for c in CASES if c.get("stage", "ingest") == "ingest"]
CHECK_CASES = [c for c in CASES if c.get("stage") == "checks"]
TABLE_BY_FILE = {t.relpath: t for t in TABLES}


def edited(data: bytes, relpath: str, edit: dict) -> bytes:
    """The file's bytes with one edit of cases.yml applied."""
    ((op, arg),) = edit.items()
    if op == "prepend_bytes":
        return bytes.fromhex(arg) + data
    if op == "crlf":
        return data.replace(b"\n", b"\r\n")
    if op == "strip_final_newline":
        return data.rstrip(b"\n")
    if op == "empty":
        return b""
    lines = data.decode("utf-8").split("\n")[:-1]  # the file ends with a newline
    if op == "keep_lines":
        lines = lines[:arg]
    elif op == "delete_line":
        del lines[arg["line"] - 1]
    elif op == "duplicate_line":
        lines.insert(arg["line"], lines[arg["line"] - 1])
    elif op == "replace_line":
        lines[arg["line"] - 1] = arg["text"]
    elif op == "set_cell":
        cells = next(csv.reader([lines[arg["line"] - 1]]))
        cells[TABLE_BY_FILE[relpath].column_names.index(arg["column"])] = arg["value"]
        if arg.get("quote", True):
            out = io.StringIO()
            csv.writer(out, lineterminator="").writerow(cells)
            lines[arg["line"] - 1] = out.getvalue()
        else:
            lines[arg["line"] - 1] = ",".join(cells)
    elif op == "raw_bytes_at":
        encoded = [line.encode("utf-8") for line in lines]
        encoded[arg["line"] - 1] = bytes.fromhex(arg["hex"]) + encoded[arg["line"] - 1][1:]
        return b"\n".join(encoded) + b"\n"
    else:
        raise ValueError(f"unknown edit {op}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def write_case(raw_dir: Path, case: dict) -> Path:
    path = raw_dir / case["file"]
    path.write_bytes(edited((settings().raw_dir / case["file"]).read_bytes(), case["file"], case["edit"]))
    return path


def where(path: Path, expect: dict) -> str:
    text = f"{path}, line {expect['line']}"
    return text + (f", column {expect['column']}" if expect.get("column") else "")


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_corpus_has_at_least_thirty_malformed_inputs():
    assert len(CASES) >= 30
    assert len({c["id"] for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", INGEST_CASES, ids=[c["id"] for c in INGEST_CASES])
def test_each_malformed_file_is_rejected_naming_file_line_and_column(case, tmp_path):
    path = tmp_path / Path(case["file"]).name
    path.write_bytes(edited((settings().raw_dir / case["file"]).read_bytes(), case["file"], case["edit"]))
    expect = case["expect"]
    with pytest.raises(RawFileError) as caught:
        validate_csv(path, TABLE_BY_FILE[case["file"]])
    error = caught.value
    assert (error.line, error.column) == (expect["line"], expect.get("column"))
    assert str(error).startswith(where(path, expect)), str(error)
    assert expect["says"] in str(error)
    if "key" in expect:
        assert expect["key"] in str(error)


@pytest.fixture(scope="module")
def site(warehouse, tmp_path_factory):
    """A pipeline folder whose published warehouse is a copy of the session's."""
    folder = tmp_path_factory.mktemp("bad_inputs_site")
    env = pipeline_env(folder)
    published = Path(env["IW_PUBLISHED_DB"])
    published.parent.mkdir(parents=True)
    shutil.copyfile(warehouse.published_db, published)
    return env, published


def batches() -> dict[int, list[dict]]:
    grouped: dict[int, list[dict]] = {}
    for case in INGEST_CASES:
        grouped.setdefault(case.get("group", 1), []).append(case)
    return grouped


def test_no_batch_changes_one_file_twice():
    for group, cases in batches().items():
        files = [c["file"] for c in cases]
        assert len(files) == len(set(files)), group


@pytest.mark.parametrize("group", sorted(batches()))
def test_the_pipeline_rejects_every_malformed_file_of_a_batch_and_keeps_the_published_warehouse(site, tmp_path, group):
    env, published = site
    before = sha(published)
    raw = tmp_path / "raw"
    shutil.copytree(settings().raw_dir, raw)
    cases = batches()[group]
    paths = {case["id"]: write_case(raw, case) for case in cases}

    result = run_main_command({**env, "IW_RAW_DIR": str(raw)})

    assert result.returncode == 1
    for case in cases:
        assert where(paths[case["id"]], case["expect"]) in result.stderr, case["id"]
    assert sha(published) == before


@pytest.mark.parametrize("case", CHECK_CASES, ids=[c["id"] for c in CHECK_CASES])
def test_a_failing_error_check_names_the_key_and_leaves_the_published_warehouse_untouched(site, tmp_path, case):
    env, published = site
    before = sha(published)
    raw = tmp_path / "raw"
    shutil.copytree(settings().raw_dir, raw)
    write_case(raw, case)

    result = run_main_command({**env, "IW_RAW_DIR": str(raw)})

    expect = case["expect"]
    assert result.returncode == 1
    assert f"check {expect['check']} failed" in result.stderr
    assert expect["says"] in result.stderr
    assert sha(published) == before
