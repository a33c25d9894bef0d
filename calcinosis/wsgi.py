"""The old WSGI entry point, kept at this path because the production command in the public contract
(gunicorn pointed at this module) must keep working. The project's own entry point is config/wsgi.py;
this one loads the same settings and must stay as small as it is."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()
