"""`make bi`'s Superset on a copy of the published warehouse: the dashboard in a real browser, the
connection and datasets through the REST API, a full pipeline run republishing while the dashboard is
open, and Ctrl-C. The tests run in file order on one server; the last one stops it."""

from __future__ import annotations

import json
import socket
import subprocess
import threading
from dataclasses import dataclass, field
from urllib.parse import urlparse

import duckdb
import pytest
import requests

from bi.dashboard_files import read_tree
from tests.bi.conftest import ADMIN, ROOT
from tests.conftest import run_main_command

pytestmark = pytest.mark.story

DASHBOARD_PATH = "/superset/dashboard/integrated-working/"
CHARTS = [
    "Data as of: publishes of the warehouse, newest first",
    "Practice overview: mean share of trusts at or above the midpoint, by practice (%)",
    "Practice overview: share of trusts at or above the midpoint, per question",
    "Bands of the chosen question: trusts by average-score band",
    "Leaders and managers against front line: average score per question",
    "Devon: CAFs per 1,000 children and young people aged 0 to 19, by cluster",
    "Devon: predicted against actual CAFs, by cluster (867 scenario)",
    "Problems found in the reports",
]
# Each dataset `make bi` provisions and the published table (or, for problems, the rows) it reads.
DATASETS = {
    "question": "marts.question",
    "band": "marts.band",
    "cluster": "marts.cluster",
    "practice": "marts.practice",
    "outcome": "marts.outcome",
    "sector": "marts.sector",
    "latest_findings": "quality.latest_findings",
    "latest_claims": "quality.latest_claims",
    "publish_log": "meta.publish_log",
}

CHARTS_JS = """
() => [...document.querySelectorAll('[data-test="chart-grid-component"]')].map(c => ({
  title: (c.querySelector('[data-test="editable-title"]') || {}).textContent || '',
  canvases: c.querySelectorAll('canvas').length,
  header: [...c.querySelectorAll('thead th')].map(th => th.textContent.trim()),
  rows: [...c.querySelectorAll('tbody tr')].map(r => [...r.children].map(td => td.textContent.trim())),
  errors: [...c.querySelectorAll('.ant-alert-error, [data-test="error-tooltip"]')].map(e => e.textContent),
  loading: c.querySelectorAll('[data-test="loading-indicator"], .loading').length,
}))
"""


@dataclass
class Traffic:
    """Every request the page made and its status, or its failure. Superset's page embeds a
    telemetry pixel from another host; the CSP that `make bi` sets blocks it before it is sent. Its
    usage log (`/superset/log/`) is posted as the page unloads, and a navigation aborts it: that is
    the browser leaving, not an answer from the server, so it is recorded but not an error."""

    seen: list[tuple[str, str, int]] = field(default_factory=list)
    failed: list[tuple[str, str, str]] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)

    def errors(self) -> list:
        unload = [r for r in self.failed if r[2] == "net::ERR_ABORTED" and r[1].startswith("/superset/log/")]
        return [r for r in self.seen if r[2] >= 400] + [r for r in self.failed if r[2] != "csp" and r not in unload]

    def sent_outside(self) -> list[str]:
        blocked = {url for _, url, failure in self.failed if failure == "csp"}
        return [url for url in self.outside if url not in blocked]


def _watch(page, traffic: Traffic, host: str) -> None:
    def path(url: str) -> str:
        parsed = urlparse(url)
        if parsed.netloc != host:
            return url
        return parsed.path + (f"?{parsed.query}" if parsed.query else "")

    def request(r) -> None:
        if urlparse(r.url).scheme in ("http", "https") and urlparse(r.url).netloc != host:
            traffic.outside.append(r.url)

    page.on("request", request)
    page.on("response", lambda r: traffic.seen.append((r.request.method, path(r.url), r.status)))
    page.on("requestfailed", lambda r: traffic.failed.append((r.method, path(r.url), r.failure or "")))


def _charts(page) -> list[dict]:
    """The dashboard's charts once every one has drawn (a canvas or table rows) or shown an error."""
    page.wait_for_function(
        """n => { const c = [...document.querySelectorAll('[data-test="chart-grid-component"]')];
          return c.length === n && c.every(x => x.querySelector('canvas, tbody tr, .ant-alert-error')); }""",
        arg=len(CHARTS),
        timeout=300_000,  # under the whole suite's load
    )
    page.wait_for_load_state("networkidle")
    return page.evaluate(CHARTS_JS)


@pytest.fixture(scope="module")
def dashboard(browser, server, tmp_path_factory):
    """Logged in through the login form, the dashboard open, its requests recorded."""
    context = browser.new_context(viewport={"width": 1400, "height": 2300})  # the whole dashboard
    context.set_default_timeout(120_000)  # a page under the whole suite's load
    login_page = context.new_page()
    login = Traffic()
    _watch(login_page, login, urlparse(server.url).netloc)
    login_page.goto(f"{server.url}/login/")
    login_page.fill('[data-test="username-input"]', ADMIN[0])
    login_page.fill('[data-test="password-input"]', ADMIN[1])
    login_page.click('[data-test="login-button"]')
    login_page.wait_for_url("**/superset/welcome/**")
    login_page.wait_for_load_state("networkidle")
    assert login.sent_outside() == []
    page = context.new_page()  # the session's cookie, and only the dashboard's own requests
    login_page.close()
    traffic = Traffic()
    _watch(page, traffic, urlparse(server.url).netloc)
    page.goto(f"{server.url}{DASHBOARD_PATH}")
    charts = _charts(page)
    shot = tmp_path_factory.mktemp("bi-screenshots") / "dashboard.png"
    page.wait_for_timeout(2000)  # the bars' drawing animation
    page.screenshot(path=str(shot))
    yield page, traffic, charts, shot
    context.close()


@pytest.fixture(scope="module")
def api(server) -> requests.Session:
    """A REST session: bearer token from /api/v1/security/login, CSRF token for writes."""
    session = requests.Session()
    login = session.post(
        f"{server.url}/api/v1/security/login",
        json={"username": ADMIN[0], "password": ADMIN[1], "provider": "db", "refresh": True},
        timeout=60,
    )
    login.raise_for_status()
    session.headers["Authorization"] = f"Bearer {login.json()['access_token']}"
    csrf = session.get(f"{server.url}/api/v1/security/csrf_token/", timeout=60)
    csrf.raise_for_status()
    session.headers["X-CSRFToken"] = csrf.json()["result"]
    session.headers["Referer"] = server.url
    return session


def _published(server, sql: str) -> list[tuple]:
    with duckdb.connect(str(server.published_db), read_only=True) as con:
        return con.execute(sql).fetchall()


def _database(api, server) -> dict:
    found = api.get(f"{server.url}/api/v1/database/", params={"q": "(page_size:100)"}, timeout=60).json()["result"]
    (warehouse,) = [d for d in found if d["database_name"] == "warehouse"]
    return api.get(f"{server.url}/api/v1/database/{warehouse['id']}/connection", timeout=60).json()["result"]


def _execute(api, server, database_id: int, sql: str) -> requests.Response:
    return api.post(
        f"{server.url}/api/v1/sqllab/execute/",
        json={"database_id": database_id, "sql": sql, "runAsync": False, "schema": "main", "tab": "test"},
        timeout=120,
    )


def test_make_bi_prints_the_url_and_the_dashboard_link_and_verifies_read_only(server):
    assert f"bi: Superset is serving on http://127.0.0.1:{server.port}" in server.output
    assert f"bi: the dashboard: http://127.0.0.1:{server.port}{DASHBOARD_PATH}" in server.output
    assert f"bi: read-only verified: duckdb:///{server.published_db.resolve()}" in server.output


def _listening_addresses(port: int) -> set[str]:
    """The local addresses of the sockets listening on `port`, from /proc/net/tcp and tcp6."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table, encoding="ascii") as lines:
            for line in list(lines)[1:]:
                local, state = line.split()[1], line.split()[3]
                address, hex_port = local.split(":")
                if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                    if len(address) == 8:
                        found.add(socket.inet_ntop(socket.AF_INET, bytes.fromhex(address)[::-1]))
                    else:
                        found.add(socket.inet_ntop(socket.AF_INET6, bytes.fromhex(address)))
    return found


def test_the_server_listens_on_loopback_only(server):
    assert requests.get(f"{server.url}/health", timeout=30).text == "OK"
    assert _listening_addresses(server.port) == {"127.0.0.1"}


def test_make_bi_export_right_after_the_import_gives_back_the_committed_dashboard(server, bi_python, tmp_path):
    exported = tmp_path / "dashboard"
    result = subprocess.run(
        [str(bi_python), "-m", "bi.export", "--to", str(exported)],
        cwd=ROOT,
        env=server.env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    committed, back = read_tree(ROOT / "bi" / "dashboard"), read_tree(exported)
    assert sorted(back) == sorted(committed)
    for name, content in committed.items():
        if name == "metadata.yaml":
            continue
        if name.startswith("datasets/"):  # columns come from the published file, which others change
            content, got = ({k: v for k, v in c.items() if k != "columns"} for c in (content, back[name]))
            assert got == content, name
        else:
            assert back[name] == content, name


def test_every_chart_of_the_dashboard_renders_with_no_error_message(dashboard):
    page, traffic, charts, shot = dashboard
    assert [c["title"] for c in charts] == CHARTS
    for chart in charts:
        assert chart["errors"] == [], chart["title"]
        assert chart["canvases"] or chart["rows"], chart["title"]
    assert traffic.errors() == []
    assert traffic.sent_outside() == []
    assert shot.stat().st_size > 50_000


def test_a_share_on_the_practice_overview_equals_a_query_of_the_published_file(dashboard, server):
    _, _, charts, _ = dashboard
    (overview,) = [c for c in charts if c["title"].startswith("Practice overview: share")]
    first = dict(zip(overview["header"], overview["rows"][0], strict=True))
    question = int(first["question_id"])
    ((above, responding, pct),) = _published(
        server,
        "select trusts_above_midpoint, responding_trusts, trusts_above_midpoint_pct "
        f"from marts.question where question_id = {question}",
    )
    assert int(first["trusts_above_midpoint"]) == above
    assert int(first["responding_trusts"]) == responding
    assert float(first["trusts_above_midpoint_pct"]) == pytest.approx(float(pct), abs=0.005)
    assert float(first["trusts_above_midpoint_pct"]) == pytest.approx(100 * above / responding, abs=0.005)


def test_the_data_date_shown_is_the_latest_publish_in_the_publish_log(dashboard, server):
    _, _, charts, _ = dashboard
    (as_of,) = [c for c in charts if c["title"].startswith("Data as of")]
    ((latest,),) = _published(server, "select strftime(max(published_at), '%Y-%m-%d %H:%M:%S') from meta.publish_log")
    assert as_of["rows"][0][as_of["header"].index("published_at")] == latest


def test_through_the_api_the_connection_is_read_only_and_duckdb_refuses_a_write(api, server):
    database = _database(api, server)
    assert database["sqlalchemy_uri"] == f"duckdb:///{server.published_db.resolve()}"
    extra = database["extra"] if isinstance(database["extra"], dict) else json.loads(database["extra"])
    assert extra["engine_params"]["connect_args"]["read_only"] is True
    write = "create table main.written_by_superset as select 1 as x"
    refused_by_superset = _execute(api, server, database["id"], write)
    assert refused_by_superset.status_code >= 400
    # Let Superset pass writes through: DuckDB itself must refuse, the file being open read-only.
    allowed = api.put(f"{server.url}/api/v1/database/{database['id']}", json={"allow_dml": True}, timeout=60)
    assert allowed.status_code == 200, allowed.text
    try:
        refused_by_duckdb = _execute(api, server, database["id"], write)
    finally:
        api.put(f"{server.url}/api/v1/database/{database['id']}", json={"allow_dml": False}, timeout=60)
    assert refused_by_duckdb.status_code >= 400
    assert "read-only" in refused_by_duckdb.text
    assert _published(
        server, "select count(*) from information_schema.tables where table_name = 'written_by_superset'"
    ) == [(0,)]


def _rows_through_superset(api, server, dataset_id: int) -> int:
    query = {
        "datasource": {"id": dataset_id, "type": "table"},
        "queries": [{"metrics": [{"expressionType": "SQL", "sqlExpression": "COUNT(*)", "label": "rows"}]}],
        "result_format": "json",
        "result_type": "full",
    }
    response = api.post(f"{server.url}/api/v1/chart/data", json=query, timeout=120)
    assert response.status_code == 200, response.text
    return response.json()["result"][0]["data"][0]["rows"]


def test_each_dataset_has_as_many_rows_as_the_published_table_it_reads(api, server):
    found = api.get(f"{server.url}/api/v1/dataset/", params={"q": "(page_size:100)"}, timeout=60).json()["result"]
    ids = {d["table_name"]: d["id"] for d in found}
    assert set(ids) == {*DATASETS, "problems"}
    for name, table in DATASETS.items():
        ((expected,),) = _published(server, f"select count(*) from {table}")
        assert _rows_through_superset(api, server, ids[name]) == expected, name
    has_problems = _published(
        server,
        "select count(*) from information_schema.tables where table_schema = 'quality' and table_name = 'problems'",
    ) == [(1,)]
    problems_sql = (
        "select count(*) from quality.problems"
        if has_problems
        else "select count(*) from (select distinct source_document, source_line, rule_id from quality.latest_findings)"
    )
    ((expected,),) = _published(server, problems_sql)
    assert _rows_through_superset(api, server, ids["problems"]) == expected


def test_with_the_dashboard_open_a_full_run_republishes_and_the_next_refresh_shows_it_with_no_request_error(
    dashboard, server, tmp_path_factory
):
    page, _, _, _ = dashboard
    ((before,),) = _published(server, "select max(published_at) from meta.publish_log")
    traffic = Traffic()
    _watch(page, traffic, urlparse(server.url).netloc)
    result = {}
    run = threading.Thread(target=lambda: result.update(done=run_main_command(server.env, "--full")))
    run.start()
    refreshes = []
    while run.is_alive():  # a reader refreshing the dashboard while the pipeline builds and publishes
        page.reload()
        refreshes.append(_charts(page))
        run.join(timeout=10)
    done = result["done"]
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    ((after, published_text),) = _published(
        server, "select max(published_at), strftime(max(published_at), '%Y-%m-%d %H:%M:%S') from meta.publish_log"
    )
    assert after > before
    page.reload()
    charts = _charts(page)
    (as_of,) = [c for c in charts if c["title"].startswith("Data as of")]
    assert as_of["rows"][0][as_of["header"].index("published_at")] == published_text
    log = tmp_path_factory.mktemp("bi-republish") / "requests.txt"
    log.write_text("\n".join(f"{m} {s} {p}" for m, p, s in traffic.seen + traffic.failed), encoding="utf-8")
    assert refreshes, "the dashboard was not refreshed while the run went on"
    for drawn in [*refreshes, charts]:
        assert [(c["title"], c["errors"]) for c in drawn if c["errors"]] == []
    assert traffic.errors() == [], f"see {log}"
    assert traffic.sent_outside() == []
    assert any("/api/v1/chart/data" in p for _, p, _ in traffic.seen)


def test_ctrl_c_stops_the_server_cleanly(server):
    assert server.stop() == 0
    assert "bi: stopping Superset" in server.output
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        assert probe.connect_ex(("127.0.0.1", server.port)) != 0
