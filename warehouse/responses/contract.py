"""The respondent-level contract: one row per answer, one file per collection.

A collection is one round of the self-assessment (a year, say). Its answers live in one file,
``<collection>.parquet`` or ``<collection>.csv``, in the responses folder (``IW_RESPONSES_DIR``,
default ``.data/responses``); the file name is the collection's id and its partition key in
Dagster. Ids of synthetic collections start with ``synthetic-``.

Every file is checked before it is used, with DuckDB (a collection holds some 424,000 answers):
its columns; every value; that no respondent answers a question twice; and that a respondent
stays in one trust and one audience. The pass that checks the values also counts the answers
per question, trust, audience and answer (every table the appendix prints is a sum of these
counts), so a file's answers are read once. A bad file raises `ResponseFileError` naming the
file, the row (1-based, the header not counted; a CSV's line is row + 1) and the column; the
collection's previously checked counts stay in use.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from warehouse.responses.published import ANSWERS, AUDIENCES, TRUSTS

SYNTHETIC_PREFIX = "synthetic-"
COLLECTION_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
FILE_SUFFIXES = (".parquet", ".csv")
TRUST_CODES = tuple(f"T{i:03d}" for i in range(1, TRUSTS + 1))


@dataclass(frozen=True)
class ContractColumn:
    name: str
    type: str
    description: str
    allowed: str


COLUMNS: tuple[ContractColumn, ...] = (
    ContractColumn(
        "collection",
        "VARCHAR",
        "Id of the collection the answer belongs to; equals the file name without its suffix. Synthetic collections start with `synthetic-`.",
        "the file's name",
    ),
    ContractColumn(
        "trust_code",
        "VARCHAR",
        "The respondent's Children's Trust, T001-T150. The report does not name the 150 trusts, so codes are positional.",
        "`T001` to `T150`",
    ),
    ContractColumn(
        "respondent_id",
        "BIGINT",
        "The person who answered, unique within the collection; one trust and one audience per respondent.",
        "at least 1",
    ),
    ContractColumn(
        "audience", "VARCHAR", "The respondent's audience.", "one of " + ", ".join(f"`{a}`" for a in AUDIENCES)
    ),
    ContractColumn("question_id", "INTEGER", "Question answered (1-59, as in the appendix).", "1 to 59"),
    ContractColumn(
        "answer",
        "VARCHAR",
        "The answer: a score 1-5, not applicable or don't know (the appendix's response codes).",
        "one of " + ", ".join(f"`{a}`" for a in ANSWERS),
    ),
)
COLUMN_NAMES = tuple(c.name for c in COLUMNS)


def dictionary_section() -> str:
    """The contract's section of raw/README.md (the data dictionary)."""
    rows = "".join(f"| `{c.name}` | {c.type} | no | {c.allowed} | {c.description} |\n" for c in COLUMNS)
    return f"""
## Respondent-level answers (`<collection>.parquet` or `.csv`, outside raw/)

One row per answer to the appendix's 59 questions: who answered (trust, respondent, audience),
which question, and the answer. One file per collection (a round of the self-assessment), named
by the collection's id, in the folder `IW_RESPONSES_DIR` (default `.data/responses/`, not
committed: a collection holds some 424,000 answers). Parquet, or CSV with a header row (UTF-8,
comma-separated). The real answers are not held: `make run` generates one SYNTHETIC collection,
`synthetic-seed1-001`, from the published tables when the folder holds none
(`python -m warehouse.responses --collections K --seed S` writes more). Synthetic files are
named `synthetic-…` and carry the Parquet key-value metadata `synthetic = true`; their answers
reproduce the printed tables and nothing else (the lost per-sector charts are not generated).

Partition key of the Dagster asset `raw/responses__trust_answer_counts` (one partition per
collection). The pass that checks a file also counts its answers per question, trust, audience
and answer; those counts are kept as Parquet beside the build database (`responses/`), read in
place by dbt, and never published; `raw.responses__collections` lists the collections with
each file's SHA-256.

| column | type | null allowed | values checked on ingest | meaning |
|---|---|---|---|---|
{rows}
Also checked on ingest: exactly these columns; no respondent answers a question twice; a
respondent keeps one trust and one audience. A bad file fails naming the file, the row (1-based,
header not counted; a CSV's line is row + 1) and the column, and the collection's previous
checked counts stay in use.
"""


class ResponseFileError(ValueError):
    """A responses file that does not meet the contract; names file, row and column."""

    def __init__(self, path: Path, row: int | None, column: str | None, message: str):
        self.path, self.row, self.column = Path(path), row, column
        where = str(path)
        if row is not None:
            where += f", row {row}"
        if column is not None:
            where += f", column {column}"
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class LoadedCollection:
    collection: str
    path: Path
    rows: int
    respondents: int
    sha256: str

    @property
    def is_synthetic(self) -> bool:
        return self.collection.startswith(SYNTHETIC_PREFIX)


def collection_files(folder: Path) -> dict[str, Path]:
    """The collection files in `folder`, by collection id (two files for one id is an error)."""
    found: dict[str, Path] = {}
    for path in sorted(Path(folder).glob("*")) if Path(folder).is_dir() else []:
        if path.suffix not in FILE_SUFFIXES or not path.is_file():
            continue
        if not COLLECTION_ID.fullmatch(path.stem):
            raise ResponseFileError(
                path, None, None, f"file name is not a collection id (pattern {COLLECTION_ID.pattern})"
            )
        if path.stem in found:
            raise ResponseFileError(
                path, None, None, f"collection {path.stem} also has the file {found[path.stem].name}"
            )
        found[path.stem] = path
    return found


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _sql_list(values: tuple[str, ...]) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


def _columns(con: duckdb.DuckDBPyConnection, path: Path) -> dict[str, str]:
    """Column names and types of the file, in its order (types are VARCHAR for a CSV)."""
    try:
        if path.suffix == ".parquet":
            return dict(
                con.execute(
                    "select column_name, column_type from (describe select * from read_parquet(?))", [str(path)]
                ).fetchall()
            )
    except duckdb.Error as exc:
        raise ResponseFileError(path, None, None, f"not a readable Parquet file ({exc})") from None
    with open(path, encoding="utf-8", errors="replace") as handle:
        header = handle.readline().rstrip("\n")
    return dict.fromkeys(header.split(","), "VARCHAR") if header else {}


def typed_answers(con: duckdb.DuckDBPyConnection, path: Path, scratch: Path) -> Path:
    """The Parquet file that holds the rows of `path` with the contract's columns and types, in
    file order: `path` itself when it already has them (read in place, not copied), else a
    conversion written to `scratch` (a value that does not convert becomes null and is reported
    by `check_collection` with the file's own value)."""
    types = _columns(con, path)
    names = list(types)
    missing = [c for c in COLUMN_NAMES if c not in names]
    if missing:
        raise ResponseFileError(
            path, None, missing[0], f"missing column; expected the columns {', '.join(COLUMN_NAMES)}"
        )
    extra = [c for c in names if c not in COLUMN_NAMES]
    if extra:
        raise ResponseFileError(
            path, None, extra[0], f"unexpected column; expected the columns {', '.join(COLUMN_NAMES)}"
        )
    if path.suffix == ".parquet" and names == list(COLUMN_NAMES) and all(types[c.name] == c.type for c in COLUMNS):
        return path
    if path.suffix == ".parquet":
        source = "read_parquet(?)"
    else:
        varchar = ", ".join(f"'{c}': 'VARCHAR'" for c in names)
        source = (
            f"read_csv(?, header = true, auto_detect = false, delim = ',', quote = '\"', escape = '\"', "
            f"columns = {{{varchar}}})"
        )
    typed = ", ".join(f"try_cast({c.name} as {c.type}) as {c.name}" for c in COLUMNS)
    try:
        # insertion order is kept (DuckDB's default), so row n of `scratch` is row n of `path`
        con.execute(
            f"copy (select {typed} from {source}) to '{scratch}' (format parquet, compression zstd)", [str(path)]
        )
    except duckdb.Error as exc:
        raise ResponseFileError(path, None, None, f"not readable as the contract's columns ({exc})") from None
    return scratch


def _original_value(con: duckdb.DuckDBPyConnection, path: Path, column: str, row: int) -> object:
    if path.suffix == ".parquet":
        query = f"select {column} from read_parquet(?, file_row_number = true) where file_row_number = {row - 1}"
    else:
        query = f"select {column} from read_csv(?, header = true, all_varchar = true) limit 1 offset {row - 1}"
    found = con.execute(query, [str(path)]).fetchone()
    return found[0] if found else None


COUNTS = "checked_answer_counts"  # a temporary table, per connection
# per respondent: answers, the questions answered as a 64-bit mask (question_id < 64, so a
# repeated question makes bit_count(questions) < answers), and whether trust or audience changes
_PER_RESPONDENT = (
    "count(*) as answers, bit_or(cast(1 as ubigint) << least(greatest(question_id, 0), 63)) as questions, "
    "min(trust_code) <> max(trust_code) as trusts, min(audience) <> max(audience) as audiences"
)


def _value_checks(collection: str) -> list[tuple[str, str, str]]:
    """(column, SQL condition of a bad value, what is expected) for every column of the contract."""
    return [
        (
            "collection",
            f"collection is distinct from '{collection}'",
            f"the collection id {collection!r} (the file's name)",
        ),
        (
            "trust_code",
            f"trust_code is null or trust_code not in {_sql_list(TRUST_CODES)}",
            "a trust code T001 to T150",
        ),
        (
            "respondent_id",
            "respondent_id is null or respondent_id < 1",
            "a respondent id, a whole number of at least 1",
        ),
        ("audience", f"audience is null or audience not in {_sql_list(AUDIENCES)}", "one of " + ", ".join(AUDIENCES)),
        ("question_id", "question_id is null or question_id not between 1 and 59", "a question number 1 to 59"),
        ("answer", f"answer is null or answer not in {_sql_list(ANSWERS)}", "one of " + ", ".join(ANSWERS)),
    ]


def check_collection(con: duckdb.DuckDBPyConnection, path: Path, answers: Path) -> LoadedCollection:
    """Check every row of `answers` (the typed rows of `path`) and leave their counts per
    question, trust, audience and answer in the temporary table `COUNTS`.

    Two scans, no per-row test: the counts' few distinct keys hold every value of the checked
    columns, so the values are tested on them; one aggregate per respondent finds repeated
    questions (a respondent's questions fit one 64-bit mask) and changed trusts or audiences.
    Only a file that fails is read again, to name the first bad row (`_first_error`)."""
    collection = path.stem
    source = f"read_parquet('{answers}')"
    con.execute(
        f"create or replace temp table {COUNTS} as "
        "select collection, question_id, trust_code, audience, answer, cast(count(*) as integer) as answers "
        f"from {source} group by all"
    )
    checks = _value_checks(collection)
    counted = " or ".join(condition for name, condition, _ in checks if name != "respondent_id")
    bad_values = con.execute(f"select count(*) from {COUNTS} where {counted}").fetchone()[0]
    bad_respondent = next(condition for name, condition, _ in checks if name == "respondent_id")
    respondents, rows, bad_respondents = con.execute(
        "select count(*), sum(answers), "
        f"       count(*) filter (where {bad_respondent} or answers <> bit_count(questions) or trusts or audiences) "
        f"from (select respondent_id, {_PER_RESPONDENT} from {source} group by respondent_id)"
    ).fetchone()
    if not rows:
        raise ResponseFileError(path, 1, None, "no answers in the file")
    if bad_values or bad_respondents:
        _first_error(con, path, answers)
        raise ResponseFileError(path, None, None, "the file does not meet the contract")  # _first_error names the row
    return LoadedCollection(collection, path, int(rows), int(respondents), file_sha256(path))


def _first_error(con: duckdb.DuckDBPyConnection, path: Path, answers: Path) -> None:
    """Raise the error of the first bad row of a file that failed its checks."""
    collection = path.stem
    checks = _value_checks(collection)
    first_bad = ", ".join(f"min(first_bad_{name}) as {name}" for name, _, _ in checks)
    per_respondent = ", ".join(
        f"min(row) filter (where {condition}) as first_bad_{name}" for name, condition, _ in checks
    )
    # per respondent, the first row of each kind of bad value, and whether the respondent
    # repeats a question or changes trust or audience
    found = con.execute(
        f"select {first_bad}, "
        "       count(*) filter (where answers <> bit_count(questions)), "
        "       count(*) filter (where trusts or audiences) "
        f"from (select respondent_id, {_PER_RESPONDENT}, {per_respondent} "
        "       from (select *, file_row_number + 1 as row from read_parquet(?, file_row_number = true)) "
        "       group by respondent_id)",
        [str(answers)],
    ).fetchone()
    bad_rows, repeats, movers = found[:-2], found[-2], found[-1]
    bad = [(row, name, expected) for (name, _, expected), row in zip(checks, bad_rows, strict=False) if row is not None]
    if bad:
        row, name, expected = min(bad)
        raise ResponseFileError(
            path, row, name, f"expected {expected}, found {_original_value(con, path, name, row)!r}"
        )
    answers = f"(select *, file_row_number + 1 as row from read_parquet('{answers}', file_row_number = true))"
    if repeats:
        row, respondent, question, first = con.execute(
            f"select row, respondent_id, question_id, first_row from ("
            f"  select *, min(row) over (partition by respondent_id, question_id) as first_row from {answers}"
            f"  where respondent_id in (select respondent_id from {answers} group by respondent_id"
            "                          having count(*) <> count(distinct question_id)))"
            " where row <> first_row order by row limit 1"
        ).fetchone()
        raise ResponseFileError(
            path,
            row,
            "question_id",
            f"respondent {respondent} answers question {question} twice (first on row {first})",
        )
    if movers:
        row, column, value, expected, first = con.execute(
            f"with firsts as (select respondent_id, arg_min(trust_code, row) as trust_code, "
            f"                       arg_min(audience, row) as audience, min(row) as first_row "
            f"                from {answers} group by respondent_id) "
            "select t.row, case when t.trust_code <> f.trust_code then 'trust_code' else 'audience' end, "
            "       case when t.trust_code <> f.trust_code then t.trust_code else t.audience end, "
            "       case when t.trust_code <> f.trust_code then f.trust_code else f.audience end, f.first_row "
            f"from {answers} as t join firsts as f using (respondent_id) "
            "where t.trust_code <> f.trust_code or t.audience <> f.audience order by t.row limit 1"
        ).fetchone()
        raise ResponseFileError(
            path,
            row,
            column,
            f"a respondent keeps one {column}: expected {expected!r} as on row {first}, found {value!r}",
        )


def read_collection(con: duckdb.DuckDBPyConnection, path: Path, counts: Path) -> LoadedCollection:
    """Check the file against the contract and write its answer counts to the Parquet file
    `counts` (collection, question_id, trust_code, audience, answer, answers)."""
    path = Path(path)
    if not path.exists():
        raise ResponseFileError(path, None, None, "file not found")
    scratch = counts.with_name(counts.name + ".answers")
    try:
        loaded = check_collection(con, path, typed_answers(con, path, scratch))
        con.execute(f"copy {COUNTS} to '{counts}' (format parquet, compression zstd)")
    finally:
        scratch.unlink(missing_ok=True)
        con.execute(f"drop table if exists {COUNTS}")
    return loaded
