"""Load test of ``corridor serve`` on loopback: quote requests at a fixed concurrency.

Run: ``.venv/bin/python benchmarks/bench_http.py [--requests 2000] [--concurrency 8]``.

Starts ``corridor serve`` on a free loopback port (one uvicorn process, as a user runs it),
waits for ``/health``, warms it with one round of the requests, then sends ``--requests``
``POST /quote`` requests from ``--concurrency`` client threads, each on its own keep-alive
connection, and prints the latency percentiles (ms, request sent to response read), the
throughput and the errors (any status but 200, or no answer within 30 s). The requests
cycle through the origin/destination pairs of :data:`PAIRS` (1 to 3 TEU). The baseline is
``corridor.quote(...).to_dict()`` in this process, one call after another, on the same
requests. The load is bounded: the run stops after ``--requests`` requests, only on
127.0.0.1, and the server is stopped at the end.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import corridor

PAIRS = [
    ("Kunming", "Hai Phong"),
    ("Kunming", "Hanoi"),
    ("Kunming", "Lach Huyen"),
    ("Hanoi", "Kunming"),
    ("Hai Phong", "Kunming"),
    ("Kunming", "Yen Vien"),
    ("Hanoi", "Nanning"),
    ("Lao Cai", "Hai Phong"),
    ("Kunming", "Cai Lan"),
    ("Hekou", "Hanoi"),
]
CORRIDOR = str(Path(sys.executable).with_name("corridor"))


def requests(count: int) -> list[dict]:
    return [
        {"origin": a, "destination": b, "teu": 1 + i % 3}
        for i, (a, b) in zip(range(count), PAIRS * (count // len(PAIRS) + 1), strict=False)
    ]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def report(name: str, latencies: list[float], seconds: float, errors: int) -> None:
    ms = [x * 1000 for x in latencies]
    print(
        f"{name:28s} n={len(ms):5d}  p50 {percentile(ms, 50):6.2f} ms  p90 "
        f"{percentile(ms, 90):6.2f}  p99 {percentile(ms, 99):6.2f}  max {max(ms):7.2f}  "
        f"mean {statistics.fmean(ms):6.2f}  {len(ms) / seconds:7.1f} req/s  errors {errors}"
    )


def load(port: int, bodies: list[dict], concurrency: int) -> tuple[list[float], float, int]:
    """Send ``bodies`` from ``concurrency`` threads; latencies (s), wall time (s), errors."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    shares = [bodies[i::concurrency] for i in range(concurrency)]

    def client(share: list[dict]) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        failed = 0
        for body in share:
            payload = json.dumps(body)
            start = time.perf_counter()
            try:
                connection.request("POST", "/quote", payload, {"Content-Type": "application/json"})
                response = connection.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                ok = False
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            mine.append(time.perf_counter() - start)
            failed += not ok
        connection.close()
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    threads = [threading.Thread(target=client, args=(share,)) for share in shares]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, time.perf_counter() - started, errors[0]


def baseline(bodies: list[dict]) -> tuple[list[float], float]:
    network = corridor.load_network(2026)
    for body in bodies[: len(PAIRS) * 3]:  # warm the service graphs
        corridor.quote(network=network, **body).to_dict()
    latencies = []
    started = time.perf_counter()
    for body in bodies:
        start = time.perf_counter()
        corridor.quote(network=network, **body).to_dict()
        latencies.append(time.perf_counter() - start)
    return latencies, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    bodies = requests(args.requests)
    latencies, seconds = baseline(bodies)
    report("in-process corridor.quote", latencies, seconds, 0)
    port = free_port()
    server = subprocess.Popen(
        [CORRIDOR, "serve", "--port", str(port), "--log-level", "warning"],
        env={k: v for k, v in os.environ.items() if k != "CORRIDOR_API_KEY"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("the server did not start") from None
                time.sleep(0.2)
        load(port, bodies[: len(PAIRS) * 3], args.concurrency)  # warm up
        latencies, seconds, errors = load(port, bodies, args.concurrency)
        report(f"HTTP, concurrency {args.concurrency}", latencies, seconds, errors)
        latencies, seconds, errors = load(port, bodies[: args.requests // 4], 1)
        report("HTTP, one client", latencies, seconds, errors)
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
