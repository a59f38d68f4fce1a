"""Start-up benchmark: examprep against a bare typer hello-world in the same environment.

Run:  python benchmarks/startup.py [--runs 20]

It times whole processes (interpreter start included), reports the median of each command and
its ratio to the hello-world, and checks that sympy and numpy are not imported on the fast path.
The target is a ratio within 1.25. This is a benchmark to read, not a timed test.
"""

from __future__ import annotations

import argparse
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


def time_command(argv: list[str], runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


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
        }
        for argv in cases.values():  # warm the file cache and bytecode
            subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times = {name: time_command(argv, args.runs) for name, argv in cases.items()}
    base = times["typer hello-world"]
    print(f"{'command':34} {'median':>9} {'ratio':>7}")
    for name, seconds in times.items():
        print(f"{name:34} {seconds * 1000:7.1f}ms {seconds / base:6.2f}x")
    print()
    print("heavy modules imported by 'solve conv2d --json':", heavy_modules([*SOLVE_ARGS, "--json"]))
    print("heavy modules imported by '--help':            ", heavy_modules(["--help"]))


if __name__ == "__main__":
    main()
