"""Benchmark the rankings page under gunicorn against a minimal Flask page.

    python bench/http.py [--seconds 10] [--connections 8] [--workers 2]

Builds a throwaway SQLite database seeded like `python run.py --demo` (9 cells, a year of
reports), then serves, one after the other and with the same gunicorn settings (sync workers,
127.0.0.1 only):
- app: the rankings page of the tracker (signed in as the committee), ``/rankings/?year=2022``;
- minimal: a bare Flask page reading 9 rows from the same database (bench/minimal_app.py).
Each is loaded for --seconds by client processes on 127.0.0.1 (a request at a time per
connection), after a short warm-up. Last line: ``http rankings_rps=… minimal_rps=… ratio=…``
(goal: ratio >= 0.5).
"""

from __future__ import annotations

import sys
from pathlib import Path

# Import from the project root, not from this folder: bench/http.py would shadow the standard
# library's http package.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

import argparse
import http.client
import multiprocessing
import os
import re
import socket
import subprocess
import time
import urllib.parse
from contextlib import contextmanager

from bench._common import ROOT, bench_app, throwaway_database
from tracker.extensions import db

PASSWORD = "mat-khau-do-tai"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(target: str, port: int, workers: int, env: dict, cwd: Path):
    """Run gunicorn on 127.0.0.1:port until the block ends."""
    command = [
        sys.executable, "-m", "gunicorn", "--workers", str(workers), "--worker-class", "sync",
        "--bind", f"127.0.0.1:{port}", "--no-control-socket", "--log-level", "warning", target,
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=cwd, env={**os.environ, **env})
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError(f"gunicorn did not start: {target}")
        yield
    finally:
        process.terminate()
        process.wait(timeout=30)


def get(port: int, path: str, cookie: str = "") -> tuple[int, bytes, http.client.HTTPMessage]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        answer = connection.getresponse()
        return answer.status, answer.read(), answer.headers
    finally:
        connection.close()


def sign_in(port: int, username: str) -> str:
    """Sign in through the login form; return the session cookie."""
    _status, body, headers = get(port, "/login")
    cookie = headers["Set-Cookie"].split(";")[0]
    token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', body).group(1).decode()
    form = urllib.parse.urlencode({"username": username, "password": PASSWORD, "csrf_token": token})
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request(
        "POST", "/login", body=form,
        headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie},
    )  # fmt: skip
    answer = connection.getresponse()
    answer.read()
    assert answer.status == 302, f"login failed: {answer.status}"
    cookie = answer.headers["Set-Cookie"].split(";")[0]
    connection.close()
    return cookie


def _client(port: int, path: str, cookie: str, seconds: float, expect: bytes, queue) -> None:
    done = errors = 0
    stop = time.monotonic() + seconds
    while time.monotonic() < stop:
        try:
            status, body, _ = get(port, path, cookie)
            if status == 200 and expect in body:
                done += 1
            else:
                errors += 1
        except OSError:
            errors += 1
    queue.put((done, errors))


def load(port: int, path: str, cookie: str, seconds: float, connections: int, expect: bytes):
    """Requests per second over ``seconds`` with ``connections`` client processes."""
    _client(port, path, cookie, 1.0, expect, multiprocessing.Queue())  # warm-up
    queue = multiprocessing.Queue()
    clients = [
        multiprocessing.Process(target=_client, args=(port, path, cookie, seconds, expect, queue))
        for _ in range(connections)
    ]
    started = time.monotonic()
    for client in clients:
        client.start()
    results = [queue.get() for _ in clients]
    for client in clients:
        client.join()
    elapsed = time.monotonic() - started
    done = sum(r[0] for r in results)
    errors = sum(r[1] for r in results)
    if errors:
        raise RuntimeError(f"{errors} failed requests on {path}")
    return done / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    with throwaway_database(None) as url:
        app = bench_app(url)
        with app.app_context():
            from tracker.demo import seed_demo
            from tracker.models import Role
            from tracker.services.accounts import create_user

            seed_demo(2022, echo=None)
            create_user(username="bench", full_name="Đo tải", role=Role.COMMITTEE, password=PASSWORD)
            db.session.commit()
            db.engine.dispose()
        env = {"DATABASE_URL": url, "SECRET_KEY": "bench-secret-key"}

        port = free_port()
        with gunicorn("tracker:create_app()", port, args.workers, env, ROOT):
            cookie = sign_in(port, "bench")
            status, body, _ = get(port, "/rankings/?year=2022", cookie)
            assert status == 200 and "Chi bộ ấp Chợ".encode() in body, status
            rankings_rps = load(
                port, "/rankings/?year=2022", cookie, args.seconds, args.connections,
                "Chi bộ ấp Chợ".encode(),
            )  # fmt: skip
        print(f"rankings page: {rankings_rps:.0f} requests/s", flush=True)

        port = free_port()
        with gunicorn("bench.minimal_app:create_app()", port, args.workers, env, ROOT):
            minimal_rps = load(port, "/", "", args.seconds, args.connections, b"ap-cho")
        print(f"minimal page: {minimal_rps:.0f} requests/s", flush=True)

    print(f"http rankings_rps={rankings_rps:.0f} minimal_rps={minimal_rps:.0f} "
          f"ratio={rankings_rps / minimal_rps:.2f}")


if __name__ == "__main__":
    main()
