"""The benchmark's WSGI entry point: the app with bench.settings (its URLs plus the do-nothing view)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

application = get_wsgi_application()
