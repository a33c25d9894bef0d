"""The app's own settings, plus the do-nothing view's URL; used only by the benchmark's gunicorn.

Everything production-mode (DEBUG off, HTTPS behind a proxy, WhiteNoise) comes from config.settings through the
environment that bench/run.py sets, so the pages measured are the pages served.
"""

import os

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], BASE_DIR / "bench" / "templates"]  # noqa: F405
WSGI_APPLICATION = "bench.wsgi.application"

# config.settings fixes STATIC_ROOT beside the code; the benchmark collects into its own temporary folder.
if os.environ.get("BENCH_STATIC_ROOT"):
    STATIC_ROOT = os.environ["BENCH_STATIC_ROOT"]
