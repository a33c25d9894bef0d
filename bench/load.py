"""A small closed-loop load generator: N connections, each sending its next request as soon as the last one answered.

Requests are written as raw HTTP/1.1 bytes over a fresh socket each (gunicorn's sync workers close the connection
after every response), so the client spends microseconds per request and stays out of the way of the server it
shares the machine with. Every request carries `X-Forwarded-Proto: https`, as the TLS proxy in front of a production
server would, so the app (DJANGO_DEBUG=0) serves it instead of redirecting to HTTPS.
"""

import math
import re
import socket
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

CSRF_FIELD = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
TIMEOUT = 60.0


@dataclass(frozen=True)
class Reply:
    status: int
    cookies: dict[str, str]
    body: bytes


@dataclass(frozen=True)
class Server:
    """Where gunicorn listens, and the headers every request carries to look like it came through the proxy."""

    host: str
    port: int

    @property
    def origin(self) -> str:
        return f"https://{self.host}:{self.port}"

    def request(
        self, method: str, path: str, *, cookies: dict[str, str] | None = None, form: dict | None = None, **extra: str
    ) -> bytes:
        """The raw bytes of one request; a form is sent urlencoded, with the CSRF header from the cookie."""
        body = urllib.parse.urlencode(form, doseq=True).encode() if form is not None else b""
        headers = {
            "Host": f"{self.host}:{self.port}",
            "X-Forwarded-Proto": "https",
            "Connection": "close",
            "User-Agent": "calcinosis-bench",
        }
        if cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        if method == "POST":
            # Django checks the Origin of a secure POST against the host, and the token against the cookie.
            headers |= {"Origin": self.origin, "Referer": self.origin + path, "Content-Length": str(len(body))}
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            if cookies and "csrftoken" in cookies:
                headers["X-CSRFToken"] = cookies["csrftoken"]
        headers |= {k.replace("_", "-"): v for k, v in extra.items()}
        head = f"{method} {path} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
        return head.encode("latin-1") + body

    def send(self, raw: bytes) -> Reply:
        """Send one request and read the whole reply (the server closes the connection when it is done)."""
        with socket.create_connection((self.host, self.port), timeout=TIMEOUT) as sock:
            sock.sendall(raw)
            chunks = []
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        return parse(b"".join(chunks))


def parse(data: bytes) -> Reply:
    """Status, cookies set and body of a raw HTTP reply."""
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    if not lines[0].startswith("HTTP/"):
        raise OSError(f"not an HTTP reply: {lines[0][:80]!r}")
    cookies = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.lower() == "set-cookie":
            key, _, rest = value.strip().partition("=")
            cookies[key] = rest.split(";", 1)[0]
    return Reply(int(lines[0].split()[1]), cookies, body)


def log_in(server: Server, username: str, password: str) -> dict[str, str]:
    """Post the login form once, as a browser would, and return the session's cookies (session and CSRF)."""
    page = server.send(server.request("GET", "/accounts/login/"))
    token = CSRF_FIELD.search(page.body)
    if page.status != 200 or token is None or "csrftoken" not in page.cookies:
        raise RuntimeError(f"the login page answered {page.status} without a CSRF token")
    form = {"username": username, "password": password, "csrfmiddlewaretoken": token.group(1).decode()}
    reply = server.send(server.request("POST", "/accounts/login/", cookies=page.cookies, form=form))
    if reply.status != 302 or "sessionid" not in reply.cookies:
        raise RuntimeError(f"logging in as {username} answered {reply.status}, not a redirect with a session")
    return page.cookies | reply.cookies  # login rotates the CSRF token: the reply's cookie wins


@dataclass
class Sample:
    """What one page did under load: latencies of the requests that completed, and what went wrong."""

    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    first_error: str | None = None
    statuses: Counter = field(default_factory=Counter)
    ran_out: bool = False  # a connection had no fresh request left (answers to post) before the time was up

    def add(self, other: "Sample") -> None:
        """Fold in another stretch of load on the same page."""
        self.seconds += other.seconds
        self.latencies += other.latencies
        self.errors += other.errors
        self.first_error = self.first_error or other.first_error
        self.statuses += other.statuses
        self.ran_out = self.ran_out or other.ran_out

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        """Nearest-rank percentile in milliseconds."""
        if not self.latencies:
            return math.nan
        ordered = sorted(self.latencies)
        return 1000 * ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def _connection(server: Server, stream: Iterator[bytes], deadline: float, sample: Sample, lock: threading.Lock) -> None:
    latencies, errors, first_error, ran_out, statuses = [], 0, None, False, Counter()
    while time.perf_counter() < deadline:
        raw = next(stream, None)
        if raw is None:
            ran_out = True
            break
        start = time.perf_counter()
        try:
            status = server.send(raw).status
            statuses[status] += 1
            problem = None if 200 <= status < 400 else f"HTTP {status}"
        except OSError as error:
            problem = f"{type(error).__name__}: {error}"
        latencies.append(time.perf_counter() - start)
        if problem:
            errors += 1
            first_error = first_error or problem
    with lock:
        sample.latencies += latencies
        sample.errors += errors
        sample.first_error = sample.first_error or first_error
        sample.ran_out = sample.ran_out or ran_out
        sample.statuses += statuses


def measure(server: Server, streams: list[Iterator[bytes]], seconds: float) -> Sample:
    """Run one connection per stream for `seconds`, each sending its stream's requests back to back."""
    sample, lock = Sample(), threading.Lock()
    deadline = time.perf_counter() + seconds
    threads = [
        threading.Thread(target=_connection, args=(server, stream, deadline, sample, lock), daemon=True)
        for stream in streams
    ]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    sample.seconds = time.perf_counter() - start
    return sample
