"""Start-up of a one-off command line quote, against plain imports as the yardstick.

Run: ``.venv/bin/python benchmarks/bench_startup.py [runs]`` (default 15). Each command runs
as a whole new process, alternating, and the median wall time of each is printed with its
ratio to the yardstick, ``python -c "import pandas, networkx,
ortools.graph.python.min_cost_flow"``. The floor is the yardstick plus the command-line
libraries (typer, with the pydantic adapters it loads to read options, and rich): no
typer + rich program can start faster. The first ``corridor quote`` fills the dataset cache
(:mod:`corridor.cache`); the runs timed read it.
"""

import statistics
import subprocess
import sys
import time
from pathlib import Path

PYTHON = sys.executable
CORRIDOR = str(Path(PYTHON).with_name("corridor"))
COMMANDS = {
    "yardstick": [PYTHON, "-c", "import pandas, networkx, ortools.graph.python.min_cost_flow"],
    "floor (+ typer, rich)": [
        PYTHON,
        "-c",
        "import pandas, networkx, ortools.graph.python.min_cost_flow, typer, typer._adapters, "
        "rich.console, rich.table",
    ],
    "import corridor": [PYTHON, "-c", "import corridor"],
    "corridor quote Kunming 'Hai Phong'": [CORRIDOR, "quote", "Kunming", "Hai Phong"],
}


def main(runs: int) -> None:
    subprocess.run(COMMANDS["corridor quote Kunming 'Hai Phong'"], capture_output=True, check=True)
    times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for _ in range(runs):
        for name, command in COMMANDS.items():
            start = time.perf_counter()
            subprocess.run(command, capture_output=True, check=True)
            times[name].append(time.perf_counter() - start)
    base = statistics.median(times["yardstick"])
    print(f"{runs} runs each, median wall time and ratio to the yardstick")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"  {name:38s} {median:6.3f} s  {median / base:5.2f}x")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 15)
