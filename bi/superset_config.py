"""Superset's configuration for `make bi`: local, loopback-only, no result cache.

Superset loads this file through SUPERSET_CONFIG_PATH. Everything it keeps (its metadata database,
the secret key) lives in the BI home, IW_BI_HOME (default .data/bi of the checkout).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

BI_HOME = Path(os.environ.get("IW_BI_HOME", Path(__file__).resolve().parent.parent / ".data" / "bi"))


def _secret_key() -> str:
    """SUPERSET_SECRET_KEY if set, otherwise the key `make bi` generated under the BI home."""
    if os.environ.get("SUPERSET_SECRET_KEY"):
        return os.environ["SUPERSET_SECRET_KEY"]
    path = BI_HOME / "secret_key"
    if not path.is_file():
        raise RuntimeError(f"{path}: no secret key; start Superset with `make bi`, which generates it")
    return path.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()
SQLALCHEMY_DATABASE_URI = f"sqlite:///{BI_HOME / 'superset.db'}?check_same_thread=false"
DATA_DIR = str(BI_HOME)

# Every dashboard refresh queries the published file: a new publish shows at once.
CACHE_CONFIG = {"CACHE_TYPE": "NullCache"}
DATA_CACHE_CONFIG = {"CACHE_TYPE": "NullCache"}

# Served on 127.0.0.1 only, over plain HTTP: no telemetry, no thumbnails.
SESSION_COOKIE_SECURE = False
FEATURE_FLAGS = {"DASHBOARD_NATIVE_FILTERS": True, "THUMBNAILS": False, "ALERT_REPORTS": False}
RATELIMIT_ENABLED = False
SUPERSET_WEBSERVER_TIMEOUT = 120
SQLLAB_TIMEOUT = 120

# Content Security Policy: everything from this server only. Superset's default also allows a
# telemetry pixel (the page embeds it unconditionally), map tiles and web fonts from other hosts;
# none of them is needed here, and no request leaves the machine.
TALISMAN_ENABLED = True
CONTENT_SECURITY_POLICY_WARNING = False
TALISMAN_CONFIG = {
    "content_security_policy": {
        "base-uri": ["'self'"],
        "default-src": ["'self'"],
        "img-src": ["'self'", "blob:", "data:"],
        "worker-src": ["'self'", "blob:"],
        "connect-src": ["'self'"],
        "object-src": "'none'",
        "style-src": ["'self'", "'unsafe-inline'"],
        "font-src": ["'self'", "data:"],
        "script-src": ["'self'", "'strict-dynamic'"],
    },
    "content_security_policy_nonce_in": ["script-src"],
    "force_https": False,
    "session_cookie_secure": False,
}

# The wheel has no source tree for the loading spinner's SVG: Superset warns on every page; quiet that.
logging.getLogger("superset.views.base").setLevel(logging.ERROR)
