"""Two app servers, one PostgreSQL, one Redis: a learner and a lockout are the same on both, and a learner's work
survives a server's restart.

Two real gunicorns (one worker each, production mode) serve one scratch PostgreSQL database and one Redis database,
and are driven over plain HTTP as a proxy would: `X-Forwarded-Proto: https` on every request. Needs PostgreSQL (the
suite's DATABASE_URL) and Redis on 127.0.0.1:6379; skipped, saying which is missing, otherwise.
"""

import http.client
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
REDIS_DB = 14  # flushed before and after; the app's own Redis database is whatever REDIS_URL names
FAILURE_LIMIT = 4
PASSWORD = "a long enough password for the servers"

pytestmark = pytest.mark.servers


def _answers(host: str, port: int) -> bool:
    try:
        socket.create_connection((host, port), timeout=1).close()
    except OSError:
        return False
    return True


def _postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if urlsplit(url).scheme in {"postgres", "postgresql", "pgsql"} else None


def _needs() -> str | None:
    url = _postgres_url()
    if url is None:
        return "needs PostgreSQL: run the suite with DATABASE_URL=postgres://..."
    parts = urlsplit(url)
    if not _answers(parts.hostname or "127.0.0.1", parts.port or 5432):
        return f"PostgreSQL does not answer at {parts.hostname}:{parts.port or 5432}"
    if not _answers(REDIS_HOST, REDIS_PORT):
        return f"Redis does not answer at {REDIS_HOST}:{REDIS_PORT}"
    return None


class Browser:
    """A plain HTTP client with its own cookies, sent whatever the Secure flag says (TLS ends at the proxy)."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def request(self, port: int, method: str, path: str, form: dict | None = None) -> tuple[int, dict, str]:
        origin = f"https://127.0.0.1:{port}"
        headers = {"Host": f"127.0.0.1:{port}", "X-Forwarded-Proto": "https", "Referer": origin + path}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            headers |= {"Content-Type": "application/x-www-form-urlencoded", "Origin": origin}
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode()
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, dict(response.headers), text

    def log_in(self, port: int, username: str, password: str) -> tuple[int, str]:
        status, _, page = self.request(port, "GET", "/accounts/login/")
        assert status == 200, page
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        form = {"csrfmiddlewaretoken": token, "username": username, "password": password}
        status, _, page = self.request(port, "POST", "/accounts/login/", form)
        return status, page


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _run(env: dict, *args: str) -> None:
    result = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


def _start(env: dict, port: int, log: Path) -> subprocess.Popen:
    command = [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--workers", "1"]
    command += ["--bind", f"127.0.0.1:{port}", "--log-file", str(log)]
    # Its own process group, so stopping it takes its worker too.
    return subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True, stdout=subprocess.DEVNULL)


def _wait_until_up(process: subprocess.Popen, port: int, log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert process.poll() is None, f"gunicorn on {port} exited:\n{log.read_text()}"
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
        finally:
            connection.close()
    raise AssertionError(f"gunicorn on {port} did not answer /healthz within 30 s:\n{log.read_text()}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _admin(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(urlunsplit(urlsplit(url)._replace(path="/postgres")), autocommit=True) as connection:
        connection.execute(sql)


@pytest.fixture(scope="module")
def redis_db():
    if reason := _needs():
        pytest.skip(reason)
    import redis

    client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=REDIS_DB)
    client.flushdb()
    yield client
    client.flushdb()
    client.close()


class Servers:
    """The two running gunicorns, by port; either can be restarted on its port."""

    def __init__(self, env: dict, folder: Path) -> None:
        self.env, self.folder = env, folder
        self.ports = (_free_port(), _free_port())
        self.processes: list[subprocess.Popen] = []

    def start(self) -> None:
        self.processes = [_start(self.env, port, self._log(port)) for port in self.ports]
        for process, port in zip(self.processes, self.ports, strict=True):
            _wait_until_up(process, port, self._log(port))

    def restart(self, index: int) -> None:
        port = self.ports[index]
        _stop(self.processes[index])
        self.processes[index] = _start(self.env, port, self._log(port))
        _wait_until_up(self.processes[index], port, self._log(port))

    def stop(self) -> None:
        for process in self.processes:
            _stop(process)

    def _log(self, port: int) -> Path:
        return self.folder / f"gunicorn-{port}.log"


@pytest.fixture(scope="module")
def servers(tmp_path_factory, redis_db) -> Iterator[Servers]:
    """Two gunicorns on one scratch database and one Redis database; both stopped and the database dropped after."""
    name = f"calcinosis_servers_{secrets.token_hex(4)}"
    scratch = urlunsplit(urlsplit(_postgres_url())._replace(path=f"/{name}"))
    tmp = tmp_path_factory.mktemp("servers")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "AXES_"))}
    env |= {
        "DJANGO_SETTINGS_MODULE": "tests.servers.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": scratch,
        "REDIS_URL": f"redis://{REDIS_HOST}:{REDIS_PORT}/{REDIS_DB}",
        "AXES_FAILURE_LIMIT": str(FAILURE_LIMIT),
    }
    running = Servers(env, tmp)
    _admin(scratch, f'CREATE DATABASE "{name}"')
    try:
        _run(env, "manage.py", "migrate", "--noinput", "-v", "0")
        make_learners = (
            "from django.contrib.auth.models import User; "
            f"[User.objects.create_user(name, password={PASSWORD!r}) for name in ('roaming', 'guessed', 'steady')]"
        )
        _run(env, "manage.py", "shell", "--verbosity", "0", "-c", make_learners)
        running.start()
        yield running
    finally:
        running.stop()
        _admin(scratch, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_learner_logged_in_on_one_server_continues_on_the_other(servers, redis_db):
    a, b = servers.ports
    assert Browser().request(b, "GET", "/progress/")[0] == 302  # nobody is logged in on B to begin with

    learner = Browser()
    status, page = learner.log_in(a, "roaming", PASSWORD)
    assert status == 302, page

    status, _, page = learner.request(b, "GET", "/progress/")
    assert status == 200
    assert "roaming" in page
    # The session is in the shared database, the one place every server reads; Redis holds no copy to lose.
    assert not redis_db.keys("*django.contrib.sessions*")


def test_failed_logins_spread_over_both_servers_lock_the_account_on_both(servers, redis_db):
    a, b = servers.ports
    for attempt in range(FAILURE_LIMIT):
        status, page = Browser().log_in((a, b)[attempt % 2], "guessed", "not the password")
        assert status in {200, 429}, page
    assert redis_db.keys("*axes*")  # the failures were counted in Redis

    for port in (a, b):
        status, page = Browser().log_in(port, "guessed", PASSWORD)
        assert status == 429, f"the right password was let in on {port} after {FAILURE_LIMIT} failures"
        assert "Too many attempts" in page


def _token(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def test_a_learners_quiz_and_case_survive_a_server_restart(servers):
    """Mid-quiz and mid-case, the server restarts: the learner is still logged in and carries on where they were."""
    a = servers.ports[0]
    learner = Browser()
    assert learner.log_in(a, "steady", PASSWORD)[0] == 302
    _, _, page = learner.request(a, "GET", "/quizzes/")
    form = {"csrfmiddlewaretoken": _token(page), "topics": ["type"], "size": "3", "pool": "all", "mode": "tutor"}
    status, headers, page = learner.request(a, "POST", "/quizzes/start/", form)
    assert status == 302, page
    question = urlsplit(headers["Location"]).path  # /quizzes/attempts/<pk>/1/
    _, _, page = learner.request(a, "GET", question)
    choice = re.search(r'name="choice" value="(\d+)"', page).group(1)
    answer = {"csrfmiddlewaretoken": _token(page), "choice": choice, "certainty": "sure"}
    assert learner.request(a, "POST", question + "answer/", answer)[0] == 302
    _, _, page = learner.request(a, "GET", "/cases/farmer-weeping-foot/")
    assert (
        learner.request(a, "POST", "/cases/farmer-weeping-foot/start/", {"csrfmiddlewaretoken": _token(page)})[0] == 302
    )

    servers.restart(0)

    attempt = question.rsplit("/", 2)[0]  # /quizzes/attempts/<pk>
    status, headers, _ = learner.request(a, "GET", attempt + "/")
    assert status == 302 and headers["Location"].endswith(attempt + "/2/")  # resumes after the answer it kept
    status, _, page = learner.request(a, "GET", "/cases/farmer-weeping-foot/")
    assert status == 200 and 'id="stage-1"' in page and "Start: reveal" not in page
