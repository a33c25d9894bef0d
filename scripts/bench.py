#!/usr/bin/env python3
"""Load benchmark: throughput and latency of a running server, measured from a second process.

    make run                      # in one shell (or gunicorn, see README)
    python3 scripts/bench.py      # in another; --help for the options

Each worker signs up its own learner, then loops: read a reference page, use the calculator, answer a quiz
question (a new quiz when one runs out). Stops after --seconds or --requests, whichever comes first, and
prints requests per second and latency percentiles per kind of request. It talks only to loopback addresses.
"""

import argparse
import http.cookiejar
import ipaddress
import re
import socket
import statistics
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import defaultdict

SECTIONS = ["overview", "dystrophic", "metastatic", "distribution", "differential-diagnosis", "management"]
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CHOICE = re.compile(r'name="choice" value="(\d+)"')
NUMERIC = re.compile(r'name="value" id="id_value"')


class BehindProxyPolicy(http.cookiejar.DefaultCookiePolicy):
    """Send Secure cookies over plain HTTP, as the TLS proxy in front of the app would."""

    def return_ok_secure(self, cookie, request):
        return True


class Worker:
    def __init__(self, base: str, results: dict, lock: threading.Lock, behind_proxy: bool = False):
        self.base, self.results, self.lock = base, results, lock
        self.jar = http.cookiejar.CookieJar(BehindProxyPolicy() if behind_proxy else None)
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.headers = {"X-Forwarded-Proto": "https"} if behind_proxy else {}
        self.origin = base.replace("http://", "https://", 1) if behind_proxy else base
        self.question_url = None

    def request(self, kind: str, path: str, data: dict | None = None) -> tuple[int, str, str]:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        headers = {"Referer": self.origin + path, **self.headers}
        req = urllib.request.Request(self.base + path, data=body, headers=headers)
        start = time.perf_counter()
        try:
            with self.opener.open(req, timeout=30) as response:
                status, text, url = response.status, response.read().decode(), response.geturl()
        except urllib.error.HTTPError as error:
            status, text, url = error.code, error.read().decode(errors="replace"), path
        elapsed = time.perf_counter() - start
        with self.lock:
            self.results[kind].append((elapsed, status))
        return status, text, url

    def form(self, kind: str, path: str, data: dict) -> tuple[int, str, str]:
        _, page, _ = self.request(kind + " (form page)", path)
        token = CSRF.search(page)
        return self.request(
            kind,
            path if "action" not in data else data.pop("action"),
            {**data, "csrfmiddlewaretoken": token.group(1) if token else ""},
        )

    def sign_up(self) -> None:
        password = "bench-" + uuid.uuid4().hex
        name = "bench-" + uuid.uuid4().hex[:12]
        self.form("signup", "/accounts/signup/", {"username": name, "password1": password, "password2": password})

    def answer(self) -> None:
        if self.question_url is None:
            status, _, url = self.form(
                "start quiz",
                "/quizzes/",
                {
                    "action": "/quizzes/start/",
                    "topics": ["type", "distribution", "differential", "laboratory"],
                    "size": "20",
                    "pool": "all",
                    "mode": "tutor",
                },
            )
            self.question_url = url if status == 200 and "/attempts/" in url else None
            if self.question_url is None:
                return
        _, page, _ = self.request("question page", urllib.parse.urlparse(self.question_url).path)
        token = CSRF.search(page)
        choice = CHOICE.search(page)
        data = {"csrfmiddlewaretoken": token.group(1) if token else "", "certainty": "unsure"}
        if choice:
            data["choice"] = choice.group(1)
        elif NUMERIC.search(page):
            data["value"] = "70"
        path = urllib.parse.urlparse(self.question_url).path
        self.request("answer", path + "answer/", data)
        match = re.search(r'href="(/quizzes/attempts/\d+/\d+/)">Next question', self.request("feedback", path)[1])
        self.question_url = self.base + match.group(1) if match else None

    def run(self, deadline: float, budget: threading.Semaphore) -> None:
        self.sign_up()
        step = 0
        while time.monotonic() < deadline and budget.acquire(blocking=False):
            step += 1
            kind = step % 3
            if kind == 0:
                self.request("reference page", f"/reference/{SECTIONS[step % len(SECTIONS)]}/")
            elif kind == 1:
                self.request("calculator", f"/reference/calculator/?calcium=10&phosphate={step % 9 + 1}&unit=mg%2FdL")
            else:
                self.answer()


def loopback_only(base: str) -> None:
    host = urllib.parse.urlparse(base).hostname or ""
    addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    if not addresses or not all(ipaddress.ip_address(a.split("%")[0]).is_loopback for a in addresses):
        sys.exit(f"refusing to load {host}: this benchmark only targets loopback addresses")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--requests", type=int, default=5000, help="loop iterations in all, at most")
    parser.add_argument(
        "--behind-proxy",
        action="store_true",
        help="act as the TLS proxy in front of a production server (DJANGO_DEBUG=0): send X-Forwarded-Proto: https",
    )
    args = parser.parse_args()
    loopback_only(args.base)
    results, lock = defaultdict(list), threading.Lock()
    budget = threading.Semaphore(args.requests)
    deadline = time.monotonic() + args.seconds
    workers = [Worker(args.base.rstrip("/"), results, lock, args.behind_proxy) for _ in range(args.workers)]
    threads = [threading.Thread(target=w.run, args=(deadline, budget)) for w in workers]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    total = sum(len(v) for v in results.values())
    errors = sum(1 for v in results.values() for _, status in v if status >= 500)
    rate = total / elapsed
    print(f"{total} requests in {elapsed:.1f} s with {args.workers} workers: {rate:.1f} req/s, {errors} server errors")
    print(f"{'request':28} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'4xx':>5}")
    for kind, rows in sorted(results.items()):
        times = sorted(t * 1000 for t, _ in rows)
        cut = statistics.quantiles(times, n=100) if len(times) > 1 else times * 99
        client_errors = sum(1 for _, status in rows if 400 <= status < 500)
        print(
            f"{kind:28} {len(rows):6} {statistics.median(times):8.1f} {cut[94]:8.1f} {cut[98]:8.1f} {client_errors:5}"
        )
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
