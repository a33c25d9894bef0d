"""Benchmark: every busy page against a do-nothing Django view, served by one production-mode gunicorn in one run.

    .venv/bin/python -m bench.run                       # or `make bench`
    .venv/bin/python -m bench.run --connections 32 --only answer --write bench/RESULTS.md

Builds a throwaway production setup in a temporary folder (SQLite file, DJANGO_DEBUG=0, a generated secret key,
migrate, collectstatic, a population made through the app's services), starts gunicorn with 4 workers on a free
loopback port, then loads each page in turn at a fixed concurrency and prints a Markdown table: requests per second,
the ratio to the do-nothing view's requests per second (the machine cancels out), latency percentiles and errors.
Exits 1 if any request failed. Gunicorn and the temporary folder are removed at the end, also on Ctrl-C.
"""

import argparse
import itertools
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench.load import Sample, Server, log_in, measure

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 4
# The targets on the 2-core machine: each page's share of the do-nothing view's requests per second.
TARGETS = {"noop": 0.0, "floor": 0.0, "reference": 0.70}
WARM_UP = 1.0  # seconds of load before each page's measurement, not counted


@dataclass(frozen=True)
class Page:
    """One row of the table: who asks, and the requests each connection sends (an endless or finite stream)."""

    key: str
    label: str
    streams: Callable[[int], list[Iterator[bytes]]]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(tmp: Path) -> dict[str, str]:
    """Production mode, on a database and static folder of our own; no shared cache, so runs stay independent."""
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    return env | {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}",
        "BENCH_STATIC_ROOT": str(tmp / "static"),
        "PYTHONPATH": str(ROOT),
    }


def prepare(env: dict[str, str], tmp: Path, args: argparse.Namespace) -> dict:
    """migrate, collectstatic, then the population; returns the plan it wrote."""
    answers = 20 + args.seconds * 300 // args.connections  # more than the fastest answer post could use up
    steps = [
        ["manage.py", "migrate", "--noinput", "-v", "0"],
        ["manage.py", "collectstatic", "--noinput", "-v", "0"],
        ["-m", "bench.population", str(tmp / "plan.json"), "--connections", str(args.connections)]
        + ["--answers", str(int(answers)), "--history", str(args.history), "--cohort", str(args.cohort)],
    ]
    for step in steps:
        print(f"setup: {' '.join(step[:3])}", file=sys.stderr, flush=True)
        subprocess.run([sys.executable, *step], cwd=ROOT, env=env, check=True)
    return json.loads((tmp / "plan.json").read_text())


def start_gunicorn(env: dict[str, str], port: int, log: Path) -> subprocess.Popen:
    """gunicorn in its own session, so Ctrl-C reaches us and we stop it ourselves, in order."""
    command = [sys.executable, "-m", "gunicorn", "bench.wsgi:application", "--workers", str(WORKERS)]
    command += ["--bind", f"127.0.0.1:{port}", "--chdir", str(ROOT), "--log-level", "warning"]
    with log.open("wb") as out:
        return subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def wait_ready(server: Server, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}")
        try:
            if server.send(server.request("GET", "/bench/noop/")).status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer within 30 s")


def stop_gunicorn(process: subprocess.Popen) -> None:
    """SIGTERM to the master (graceful), then SIGKILL to its process group if it lingers."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def pages(server: Server, plan: dict) -> list[Page]:
    """The rows, in order; the do-nothing view comes first, every ratio is against it."""
    names = [plan["history_user"], plan["instructor"], *(a["username"] for a in plan["answerers"])]
    with ThreadPoolExecutor(WORKERS) as pool:  # a login costs a password hash: spread them over the workers
        jars = dict(zip(names, pool.map(lambda n: log_in(server, n, plan["password"]), names), strict=True))

    def get(path: str, user: str | None = None) -> Callable[[int], list[Iterator[bytes]]]:
        raw = server.request("GET", path, cookies=jars.get(user))
        return lambda n: [itertools.repeat(raw) for _ in range(n)]

    def answers(n: int) -> list[Iterator[bytes]]:
        def stream(answerer: dict) -> Iterator[bytes]:
            jar = jars[answerer["username"]]
            for path, form in answerer["posts"]:
                yield server.request("POST", path, cookies=jar, form=form, HX_Request="true")

        return [stream(a) for a in plan["answerers"][:n]]

    learner, instructor = plan["history_user"], plan["instructor"]
    rows = [
        Page("noop", "do-nothing view", get("/bench/noop/")),
        Page("floor", "member's empty page (reference)", get("/bench/member-floor/", learner)),
        Page("reference", f"`{plan['section']}` (anonymous)", get(plan["section"])),
        Page("home", "`/`", get("/", learner)),
        Page("quizzes", "`/quizzes/`", get("/quizzes/", learner)),
        Page("question", "question page", get(plan["question"], learner)),
        Page("answer", "answer post (htmx)", answers),
        Page("progress", "`/progress/` (long history)", get("/progress/", learner)),
        Page("review", "`/review/`", get("/review/", learner)),
        Page("cases", "`/cases/`", get("/cases/", learner)),
        Page("teach", "`/teach/` (instructor)", get("/teach/", instructor)),
    ]
    if plan["case"]:
        rows.insert(-1, Page("case", "case page", get(plan["case"], learner)))
    return rows


def check(server: Server, page: Page) -> None:
    """One request first: a page that redirects to the login or fails would measure nothing."""
    if page.key == "answer":
        return  # every post answers a fresh question: none to spare
    status = server.send(next(page.streams(1)[0])).status
    if status != 200:
        raise RuntimeError(f"{page.label} answered {status} before the run: nothing to measure")


def run(server: Server, plan: dict, args: argparse.Namespace) -> list[tuple[Page, Sample]]:
    """Load each page in turn, in several rounds, so that anything else the machine does meanwhile falls on every page
    (the do-nothing view included) alike instead of on whichever page it coincides with."""
    chosen = [p for p in pages(server, plan) if not args.only or p.key in args.only or p.key in ("noop", "floor")]
    streams = {}
    for page in chosen:
        check(server, page)
        streams[page.key] = page.streams(args.connections)
        measure(server, streams[page.key], WARM_UP)
    totals = {page.key: Sample() for page in chosen}
    for round_ in range(1, args.rounds + 1):
        for page in chosen:
            totals[page.key].add(measure(server, streams[page.key], args.seconds / args.rounds))
        print(f"round {round_}: {', '.join(f'{k} {s.rate:.0f}/s' for k, s in totals.items())}", file=sys.stderr)
    return [(page, totals[page.key]) for page in chosen]


def machine() -> str:
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines() if Path("/proc/cpuinfo").exists() else []
    models = [line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")]
    model = models[0] if models else platform.processor() or "unknown CPU"
    return f"{os.cpu_count()} cores ({model}), Python {platform.python_version()}, {platform.system()}"


def _verdict(page: Page, ratio: float) -> str:
    """The issue's target for the page's ratio, and whether this run met it."""
    target = TARGETS.get(page.key, 0.40)
    if not target:
        return ""
    return f"{target:.2f} met" if ratio >= target else f"{target:.2f} missed ({target / max(ratio, 1e-9):.0f}x short)"


def _notes(results: list[tuple[Page, Sample]], connections: int) -> list[str]:
    """What the table does not show: the answer post's latency target, a stream run dry, any status but 200."""
    notes = []
    for page, s in results:
        if page.key == "answer":
            verdict = "met" if s.percentile(95) < 100 else "missed"
            notes.append(
                f"Answer post p95 {s.percentile(95):.0f} ms at {connections} connections ({verdict}: "
                "the target is under 100 ms at 32)."
            )
        if s.ran_out:
            notes.append(f"{page.label}: ran out of fresh questions before the time was up.")
        if set(s.statuses) - {200}:
            counts = ", ".join(f"{status} x {n}" for status, n in sorted(s.statuses.items()))
            notes.append(f"{page.label}: answered {counts}.")
    return notes


def table(results: list[tuple[Page, Sample]], args: argparse.Namespace) -> str:
    base = results[0][1].rate
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"{when}; {machine()}; gunicorn {WORKERS} sync workers, SQLite, DJANGO_DEBUG=0; "
        f"{args.connections} connections, {args.seconds:g} s per page in {args.rounds} rounds.",
        "",
        "| page | requests/s | ratio | p50 ms | p95 ms | p99 ms | errors | ratio target |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for page, s in results:
        ratio = s.rate / base if base else 0.0
        errors = f"{s.errors} ({s.first_error})" if s.errors else "0"
        lines.append(
            f"| {page.label} | {s.rate:.0f} | {ratio:.2f} | {s.percentile(50):.0f} | {s.percentile(95):.0f} "
            f"| {s.percentile(99):.0f} | {errors} | {_verdict(page, ratio)} |"
        )
    lines += [f"\n{note}" for note in _notes(results, args.connections)]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--connections", type=int, default=16, help="concurrent connections (default 16)")
    parser.add_argument("--seconds", type=float, default=12, help="measured seconds per page in all (default 12)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds over the pages the seconds are split into")
    parser.add_argument("--only", nargs="+", metavar="PAGE", help="these pages only (the two reference views always)")
    parser.add_argument("--history", type=int, default=500, help="answers in the long-history learner's past")
    parser.add_argument("--cohort", type=int, default=40, help="learners in the instructor's cohort")
    parser.add_argument("--write", type=Path, help="also write the table to this file (e.g. bench/RESULTS.md)")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="calcinosis-bench-"))
    process = None
    try:
        env = environment(tmp)
        plan = prepare(env, tmp, args)
        server = Server("127.0.0.1", free_port())
        process = start_gunicorn(env, server.port, tmp / "gunicorn.log")
        wait_ready(server, process)
        results = run(server, plan, args)
        report = table(results, args)
        print(report)
        if args.write:
            args.write.write_text(report)
        return 1 if any(sample.errors for _, sample in results) else 0
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except (RuntimeError, subprocess.CalledProcessError) as error:
        print(f"bench failed: {error}", file=sys.stderr)
        log = tmp / "gunicorn.log"
        if log.exists():
            print(log.read_text()[-3000:], file=sys.stderr)
        return 2
    finally:
        if process is not None:
            stop_gunicorn(process)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
