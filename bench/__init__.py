"""The load benchmark: every busy page against a do-nothing Django view, served by one gunicorn in one run."""
