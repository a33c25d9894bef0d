"""Calls from this tool to a platform (its keys, tokens, gradebook and roster) never hang a page: each has a timeout."""

import requests

TIMEOUT = 10  # seconds for each call


def platform_session() -> requests.Session:
    session = requests.Session()
    request = session.request

    def with_timeout(*args, **kwargs):
        kwargs.setdefault("timeout", TIMEOUT)
        return request(*args, **kwargs)

    session.request = with_timeout
    return session
