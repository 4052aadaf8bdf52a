"""`make bi`: provision Apache Superset over the published warehouse, then serve it on 127.0.0.1.

Runs with .venv-bi's Python. Steps: check the published file and the port, generate the secret key,
upgrade Superset's metadata database, create the admin, `superset init`, import the datasets, charts
and dashboard kept in bi/dashboard with the connection re-pointed at this checkout's published file
(read-only), check that read-only mode reaches DuckDB (bi/import_dashboard.py), then serve with
gunicorn until Ctrl-C.

Settings (environment): IW_PUBLISHED_DB (the published file), IW_BI_PORT (8088), IW_BI_HOME (.data/bi),
IW_BI_ADMIN_USER / IW_BI_ADMIN_PASSWORD (admin / admin), SUPERSET_SECRET_KEY (else generated).
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from warehouse.config import settings as pipeline_settings  # stdlib only: .venv-bi imports it

ROOT = Path(__file__).resolve().parent.parent
DASHBOARD_SLUG = "integrated-working"


class ConfigurationError(Exception):
    """A setting that stops Superset from starting; the message says what to do."""


@dataclass(frozen=True)
class Settings:
    published_db: Path
    home: Path
    port: int
    admin_user: str
    admin_password: str

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def dashboard_url(self) -> str:
        return f"{self.url}/superset/dashboard/{DASHBOARD_SLUG}/"

    @classmethod
    def from_env(cls) -> Settings:
        port_text = os.environ.get("IW_BI_PORT", "8088")
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            raise ConfigurationError(f"IW_BI_PORT={port_text!r}: not a TCP port number (1 to 65535)")
        published = pipeline_settings().published_db  # IW_PUBLISHED_DB or the pipeline's default
        return cls(
            published_db=published.resolve(),
            home=Path(os.environ.get("IW_BI_HOME", ROOT / ".data" / "bi")).resolve(),
            port=int(port_text),
            admin_user=os.environ.get("IW_BI_ADMIN_USER", "admin"),
            admin_password=os.environ.get("IW_BI_ADMIN_PASSWORD", "admin"),
        )


def check(settings: Settings) -> None:
    """The published file exists and the port is free, or a message saying what to do."""
    if not settings.published_db.is_file():
        raise ConfigurationError(
            f"no published warehouse at {settings.published_db}: run `make run` first "
            "(or set IW_PUBLISHED_DB to a published warehouse file)"
        )
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(
            socket.SOL_SOCKET, socket.SO_REUSEADDR, 1
        )  # as gunicorn binds: a closed port's TIME_WAIT is no use
        try:
            probe.bind(("127.0.0.1", settings.port))
        except OSError as error:
            raise ConfigurationError(
                f"port {settings.port} on 127.0.0.1 is in use ({error.strerror}): "
                "stop what listens there or choose another port with IW_BI_PORT=PORT"
            ) from None


def superset_env(settings: Settings) -> dict[str, str]:
    bin_dir = Path(sys.executable).parent
    return {
        **os.environ,
        "SUPERSET_CONFIG_PATH": str(ROOT / "bi" / "superset_config.py"),
        "IW_BI_HOME": str(settings.home),
        "IW_PUBLISHED_DB": str(settings.published_db),
        "FLASK_APP": "superset",
        "PYTHONPATH": str(ROOT),
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
    }


def _superset(settings: Settings, *args: str) -> None:
    command = [str(Path(sys.executable).parent / "superset"), *args]
    result = subprocess.run(command, env=superset_env(settings), capture_output=True, text=True, check=False)
    if result.returncode != 0:
        shown = " ".join(a if a != settings.admin_password else "***" for a in args)
        raise RuntimeError(
            f"`superset {shown}` failed ({result.returncode}):\n{result.stdout[-2000:]}{result.stderr[-4000:]}"
        )


def _step(message: str) -> float:
    print(f"bi: {message}", flush=True)
    return time.monotonic()


def provision(settings: Settings) -> None:
    """Superset's metadata database, admin, roles, the warehouse connection and the dashboard."""
    settings.home.mkdir(parents=True, exist_ok=True)
    key = settings.home / "secret_key"
    if not key.is_file():
        key.write_text(secrets.token_urlsafe(48), encoding="utf-8")
        key.chmod(0o600)
    _step("superset db upgrade")
    _superset(settings, "db", "upgrade")
    _step(f"admin user {settings.admin_user}")
    _superset(
        settings,
        "fab",
        "create-admin",
        "--username",
        settings.admin_user,
        "--firstname",
        "Local",
        "--lastname",
        "Admin",
        "--email",
        f"{settings.admin_user}@localhost",
        "--password",
        settings.admin_password,
    )
    _superset(
        settings, "fab", "reset-password", "--username", settings.admin_user, "--password", settings.admin_password
    )
    _step("superset init")
    _superset(settings, "init")
    _step(f"import bi/dashboard, the connection on {settings.published_db} (read-only), and check it")
    result = subprocess.run(
        [sys.executable, "-m", "bi.import_dashboard"],
        env=superset_env(settings),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"the import or the read-only check failed:\n{result.stdout}{result.stderr[-4000:]}")
    print(
        "".join(line for line in result.stdout.splitlines(keepends=True) if line.startswith("bi:")), end="", flush=True
    )


def serve(settings: Settings) -> int:
    """gunicorn on 127.0.0.1 until Ctrl-C (or SIGTERM); prints the URLs once /health answers."""
    gunicorn = Path(sys.executable).parent / "gunicorn"
    command = [
        str(gunicorn),
        "--bind",
        f"127.0.0.1:{settings.port}",
        "--workers",
        "1",
        "--threads",
        "8",
        "--timeout",
        "120",
        "--graceful-timeout",
        "5",
        "--log-level",
        "warning",
        "superset.app:create_app()",
    ]
    # Ctrl-C raises KeyboardInterrupt here even if SIGINT came ignored (a job started in the background)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    server = subprocess.Popen(command, env=superset_env(settings), cwd=ROOT)
    stop = signal.getsignal(signal.SIGTERM)
    signal.signal(signal.SIGTERM, lambda *_: server.send_signal(signal.SIGTERM))
    try:
        if _wait_healthy(settings, server):
            print(f"bi: Superset is serving on {settings.url} (user {settings.admin_user})", flush=True)
            print(f"bi: the dashboard: {settings.dashboard_url}", flush=True)
            print("bi: Ctrl-C stops it", flush=True)
        return server.wait()
    except KeyboardInterrupt:
        print("\nbi: stopping Superset", flush=True)
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        return 0
    finally:
        signal.signal(signal.SIGTERM, stop)


def _wait_healthy(settings: Settings, server: subprocess.Popen, timeout: float = 180) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with urllib.request.urlopen(f"{settings.url}/health", timeout=5) as response:
                if response.status == 200:
                    return True
        except OSError:
            time.sleep(0.5)
    return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--provision-only", action="store_true", help="provision, check, and exit without serving")
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env()
        check(settings)
        provision(settings)
        check(settings)  # the port may have been taken while provisioning
    except ConfigurationError as error:
        print(f"bi: {error}", file=sys.stderr)
        return 2
    except RuntimeError as error:
        print(f"bi: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    if args.provision_only:
        return 0
    return serve(settings)


if __name__ == "__main__":
    sys.exit(main())
