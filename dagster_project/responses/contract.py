"""The respondent-level contract: one row per answer, one file per collection.

A collection is one round of the self-assessment (a year, say). Its answers live in one file,
``<collection>.parquet`` or ``<collection>.csv``, in the responses folder (``IW_RESPONSES_DIR``,
default ``.data/responses``); the file name is the collection's id and its partition key in
Dagster. Ids of synthetic collections start with ``synthetic-``.

Every file is checked before anything is loaded, with DuckDB (a collection holds some 450,000
answers): the columns, then every value, then that no respondent answers a question twice and
that a respondent stays in one trust and one audience. A bad file raises `ResponseFileError`
naming the file, the row (1-based, the header not counted; a CSV's line is row + 1) and the
column; the collection's previous rows stay loaded.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from dagster_project.responses.published import ANSWERS, AUDIENCES, TRUSTS

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
    ContractColumn("collection", "VARCHAR", "Id of the collection the answer belongs to; equals the file name without its suffix. Synthetic collections start with `synthetic-`.", "the file's name"),
    ContractColumn("trust_code", "VARCHAR", "The respondent's Children's Trust, T001-T150. The report does not name the 150 trusts, so codes are positional.", "`T001` to `T150`"),
    ContractColumn("respondent_id", "BIGINT", "The person who answered, unique within the collection; one trust and one audience per respondent.", "at least 1"),
    ContractColumn("audience", "VARCHAR", "The respondent's audience.", "one of " + ", ".join(f"`{a}`" for a in AUDIENCES)),
    ContractColumn("question_id", "INTEGER", "Question answered (1-59, as in the appendix).", "1 to 59"),
    ContractColumn("answer", "VARCHAR", "The answer: a score 1-5, not applicable or don't know (the appendix's response codes).", "one of " + ", ".join(f"`{a}`" for a in ANSWERS)),
)
COLUMN_NAMES = tuple(c.name for c in COLUMNS)


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
            raise ResponseFileError(path, None, None, f"file name is not a collection id (pattern {COLLECTION_ID.pattern})")
        if path.stem in found:
            raise ResponseFileError(path, None, None, f"collection {path.stem} also has the file {found[path.stem].name}")
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


def _read_file(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Check the columns, then read the file into temp table `incoming` (raw values, with row)."""
    con.execute("drop table if exists incoming")
    if path.suffix == ".parquet":
        try:
            names = [d[0] for d in con.execute("select * from read_parquet(?) limit 0", [str(path)]).description]
        except duckdb.Error as exc:
            raise ResponseFileError(path, None, None, f"not a readable Parquet file ({exc})") from None
    else:
        with open(path, encoding="utf-8", errors="replace") as handle:
            header = handle.readline().rstrip("\n")
        names = header.split(",") if header else []
    missing = [c for c in COLUMN_NAMES if c not in names]
    if missing:
        raise ResponseFileError(path, None, missing[0], f"missing column; expected the columns {', '.join(COLUMN_NAMES)}")
    extra = [c for c in names if c not in COLUMN_NAMES]
    if extra:
        raise ResponseFileError(path, None, extra[0], f"unexpected column; expected the columns {', '.join(COLUMN_NAMES)}")
    columns = ", ".join(COLUMN_NAMES)
    if path.suffix == ".parquet":
        con.execute(
            f"create temp table incoming as select file_row_number + 1 as source_row, {columns} "
            "from read_parquet(?, file_row_number = true)", [str(path)]
        )
    else:
        varchar = ", ".join(f"'{c}': 'VARCHAR'" for c in names)
        try:
            con.execute(
                "create temp table incoming_text as select * from read_csv(?, header = true, auto_detect = false, "
                f"delim = ',', quote = '\"', escape = '\"', columns = {{{varchar}}})", [str(path)]
            )
        except duckdb.Error as exc:
            raise ResponseFileError(path, None, None, f"not a readable CSV file ({exc})") from None
        # a table keeps the file's order, so rowid + 1 is the row
        con.execute(f"create temp table incoming as select rowid + 1 as source_row, {columns} from incoming_text")
        con.execute("drop table incoming_text")


def _check_values(con: duckdb.DuckDBPyConnection, path: Path, collection: str) -> None:
    checks = [
        ("collection", "collection is null or cast(collection as varchar) <> $collection", f"the collection id {collection!r} (the file's name)"),
        ("trust_code", f"trust_code is null or cast(trust_code as varchar) not in {_sql_list(TRUST_CODES)}", "a trust code T001 to T150"),
        ("respondent_id", "respondent_id is null or coalesce(try_cast(respondent_id as bigint), 0) < 1", "a respondent id, a whole number of at least 1"),
        ("audience", f"audience is null or cast(audience as varchar) not in {_sql_list(AUDIENCES)}", "one of " + ", ".join(AUDIENCES)),
        ("question_id", "question_id is null or try_cast(question_id as integer) is null or try_cast(question_id as integer) not between 1 and 59"
         " or try_cast(question_id as double) <> try_cast(question_id as integer)", "a question number 1 to 59"),
        ("answer", f"answer is null or cast(answer as varchar) not in {_sql_list(ANSWERS)}", "one of " + ", ".join(ANSWERS)),
    ]
    flags = ", ".join(f"min(source_row) filter (where {condition}) as {name}" for name, condition, _ in checks)
    first_bad = con.execute(f"select {flags} from incoming", {"collection": collection}).fetchone()
    bad = [(row, name, expected) for (name, _, expected), row in zip(checks, first_bad) if row is not None]
    if bad:
        row, name, expected = min(bad)
        value = con.execute(f"select cast({name} as varchar) from incoming where source_row = ?", [row]).fetchone()[0]
        raise ResponseFileError(path, row, name, f"expected {expected}, found {value!r}")


def _check_respondents(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    # question_id < 64: a respondent's questions fit one 64-bit mask; a repeat leaves count > bits
    con.execute(
        "create or replace temp table typed as select source_row, cast(collection as varchar) as collection, "
        "cast(trust_code as varchar) as trust_code, cast(respondent_id as bigint) as respondent_id, "
        "cast(audience as varchar) as audience, cast(question_id as integer) as question_id, "
        "cast(answer as varchar) as answer from incoming"
    )
    con.execute("drop table incoming")
    suspect = con.execute(
        "select count(*) filter (where answers <> bit_count(questions)), "
        "count(*) filter (where trusts or audiences) from ("
        "  select count(*) as answers, bit_or(cast(1 as ubigint) << question_id) as questions, "
        "         min(trust_code) <> max(trust_code) as trusts, min(audience) <> max(audience) as audiences "
        "  from typed group by respondent_id)"
    ).fetchone()
    if suspect[0]:
        row, respondent, question, first = con.execute(
            "select source_row, respondent_id, question_id, first_row from ("
            "  select *, min(source_row) over (partition by respondent_id, question_id) as first_row from typed"
            "  where respondent_id in (select respondent_id from typed group by respondent_id"
            "                          having count(*) <> count(distinct question_id)))"
            " where source_row <> first_row order by source_row limit 1"
        ).fetchone()
        raise ResponseFileError(
            path, row, "question_id", f"respondent {respondent} answers question {question} twice (first on row {first})"
        )
    if suspect[1]:
        row, column, value, expected, first = con.execute(
            "with firsts as (select respondent_id, arg_min(trust_code, source_row) as trust_code, "
            "                       arg_min(audience, source_row) as audience, min(source_row) as first_row "
            "                from typed group by respondent_id) "
            "select t.source_row, case when t.trust_code <> f.trust_code then 'trust_code' else 'audience' end, "
            "       case when t.trust_code <> f.trust_code then t.trust_code else t.audience end, "
            "       case when t.trust_code <> f.trust_code then f.trust_code else f.audience end, f.first_row "
            "from typed as t join firsts as f using (respondent_id) "
            "where t.trust_code <> f.trust_code or t.audience <> f.audience order by t.source_row limit 1"
        ).fetchone()
        raise ResponseFileError(
            path, row, column, f"a respondent keeps one {column}: expected {expected!r} as on row {first}, found {value!r}"
        )


def read_collection(con: duckdb.DuckDBPyConnection, path: Path) -> LoadedCollection:
    """Check the file against the contract; leave its rows, typed, in temp table `typed`."""
    path = Path(path)
    if not path.exists():
        raise ResponseFileError(path, None, None, "file not found")
    collection = path.stem
    _read_file(con, path)
    if con.execute("select count(*) from incoming").fetchone()[0] == 0:
        raise ResponseFileError(path, 1, None, "no answers in the file")
    _check_values(con, path, collection)
    _check_respondents(con, path)
    rows, respondents = con.execute("select count(*), count(distinct respondent_id) from typed").fetchone()
    return LoadedCollection(collection, path, rows, respondents, file_sha256(path))
