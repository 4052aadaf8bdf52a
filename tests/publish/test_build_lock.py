"""Reading the build database outside a run takes the build lock shared: a run waits for the read,
and the read waits for a run."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import textwrap
import time

import pytest

from dagster_project.build_lock import lock_holder, lock_path, reading

HOLD_EXCLUSIVE = textwrap.dedent(
    """
    import fcntl, os, sys, time
    fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o644)
    fcntl.flock(fd, fcntl.LOCK_EX)
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
    """
)


def test_a_read_holds_off_a_run_until_it_ends(tmp_path):
    db = tmp_path / "warehouse.duckdb"
    with reading(db):
        assert lock_holder(lock_path(db)) is not None
    assert lock_holder(lock_path(db)) is None


def test_two_reads_share_the_lock(tmp_path):
    db = tmp_path / "warehouse.duckdb"
    with reading(db):
        fd = os.open(lock_path(db), os.O_RDWR)
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)  # raises if the first read excluded it
        finally:
            os.close(fd)


def test_a_read_waits_for_a_run_that_holds_the_lock(tmp_path):
    db = tmp_path / "warehouse.duckdb"
    run = subprocess.Popen(
        [sys.executable, "-c", HOLD_EXCLUSIVE, str(lock_path(db)), "1.5"], stdout=subprocess.PIPE, text=True
    )
    assert run.stdout.readline().strip() == "held"
    started = time.monotonic()
    with reading(db):
        waited = time.monotonic() - started
    run.wait(timeout=30)
    assert waited > 0.5


def test_a_read_that_must_not_wait_says_the_lock_is_busy(tmp_path):
    db = tmp_path / "warehouse.duckdb"
    run = subprocess.Popen(
        [sys.executable, "-c", HOLD_EXCLUSIVE, str(lock_path(db)), "5"], stdout=subprocess.PIPE, text=True
    )
    assert run.stdout.readline().strip() == "held"
    try:
        with pytest.raises(BlockingIOError), reading(db, wait=False):
            pass
    finally:
        run.kill()
        run.wait(timeout=30)
