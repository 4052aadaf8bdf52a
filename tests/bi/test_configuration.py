"""`make bi` refuses bad configuration with a message that says what to do, before starting anything."""

from __future__ import annotations

import os
import socket

from tests.bi.conftest import free_port, run_bi


def _env(tmp_path, **settings: str) -> dict[str, str]:
    return {**os.environ, "IW_BI_HOME": str(tmp_path / "home"), "IW_BI_PORT": str(free_port()), **settings}


def test_with_no_published_warehouse_it_says_run_make_run_first(bi_python, tmp_path):
    missing = tmp_path / "published" / "warehouse.duckdb"
    result = run_bi(bi_python, _env(tmp_path, IW_PUBLISHED_DB=str(missing)))
    assert result.returncode == 2
    assert f"no published warehouse at {missing}: run `make run` first" in result.stderr
    assert not (tmp_path / "home").exists()


def test_with_the_port_in_use_it_names_the_port_and_how_to_choose_another(bi_python, tmp_path):
    published = tmp_path / "warehouse.duckdb"
    published.write_bytes(b"")
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_bi(bi_python, _env(tmp_path, IW_PUBLISHED_DB=str(published), IW_BI_PORT=str(port)))
    assert result.returncode == 2
    assert f"port {port} on 127.0.0.1 is in use" in result.stderr
    assert "IW_BI_PORT" in result.stderr


def test_a_port_that_is_not_a_number_is_refused(bi_python, tmp_path):
    result = run_bi(bi_python, _env(tmp_path, IW_BI_PORT="eighty"))
    assert result.returncode == 2
    assert "IW_BI_PORT='eighty': not a TCP port number" in result.stderr
