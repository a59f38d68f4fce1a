"""Start-up benchmark: examprep against a bare typer hello-world in the same environment.

Run:  python benchmarks/startup.py [--runs 20]

It times whole processes (interpreter start included), reports the median wall and CPU time of
each command and its ratio to the hello-world, and checks that sympy and numpy are not imported on the fast path.
The target is a ratio within 1.25 (``explain`` of a card whose example needs no sympy: within 1.5).
This is a benchmark to read, not a timed test.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HELLO = """
import typer

app = typer.Typer()


@app.command()
def hello(name: str = "world") -> None:
    print(f"hello {name}")


app()
"""

SOLVE_ARGS = ["solve", "conv2d", "input=97x97x3", "filters=15", "kernel=9", "stride=2", "padding=0"]
# a card whose live example (learning-rate schedules) needs neither sympy nor numpy
EXPLAIN_ARGS = ["explain", "lr-decay"]

PROBE = """
import sys
from examprep.cli import app
try:
    app(sys.argv[1:])
except SystemExit:
    pass
heavy = sorted(m for m in ("sympy", "numpy", "yaml") if m in sys.modules)
sys.stderr.write("HEAVY=" + ",".join(heavy) + "\\n")
"""


def time_command(argv: list[str], runs: int) -> tuple[float, float]:
    """Median wall-clock time and median CPU time (user + sys) of the child process.

    CPU time is the steadier figure on a shared machine, where wall time includes waiting for a core.
    """
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
    return statistics.median(walls), statistics.median(cpus)


def heavy_modules(args: list[str]) -> str:
    result = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True)
    line = next((ln for ln in result.stderr.splitlines() if ln.startswith("HEAVY=")), "HEAVY=?")
    return line.split("=", 1)[1] or "none"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        hello = Path(tmp) / "hello.py"
        hello.write_text(HELLO)
        cases = {
            "typer hello-world": [sys.executable, str(hello)],
            "examprep --help": [sys.executable, "-m", "examprep", "--help"],
            "examprep solve conv2d --json": [sys.executable, "-m", "examprep", *SOLVE_ARGS, "--json"],
            "examprep solve conv2d (table)": [sys.executable, "-m", "examprep", *SOLVE_ARGS],
            "examprep explain lr-decay": [sys.executable, "-m", "examprep", *EXPLAIN_ARGS],
            "examprep explain lr-decay --json": [sys.executable, "-m", "examprep", *EXPLAIN_ARGS, "--json"],
        }
        for argv in cases.values():  # warm the file cache and bytecode
            subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times = {name: time_command(argv, args.runs) for name, argv in cases.items()}
    base_wall, base_cpu = times["typer hello-world"]
    print(f"{'command':34} {'wall':>9} {'ratio':>7} {'cpu':>9} {'ratio':>7}")
    for name, (wall, cpu) in times.items():
        print(f"{name:34} {wall * 1000:7.1f}ms {wall / base_wall:6.2f}x {cpu * 1000:7.1f}ms {cpu / base_cpu:6.2f}x")
    print()
    print("heavy modules imported by 'solve conv2d --json':", heavy_modules([*SOLVE_ARGS, "--json"]))
    print("heavy modules imported by '--help':            ", heavy_modules(["--help"]))
    print("heavy modules imported by 'explain lr-decay':  ", heavy_modules(EXPLAIN_ARGS))


if __name__ == "__main__":
    main()
