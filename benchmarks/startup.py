"""Start-up benchmark: examprep against a bare typer hello-world in the same environment.

Run:  python benchmarks/startup.py [--runs 11] [--topics cnn,rl] [--no-check]

It times whole processes (interpreter start included). The runs are interleaved: each round runs
every command once, in a fresh random order, so a busy machine slows all of them alike; the table
gives each command's median over the rounds and its ratio to the hello-world's median.

Targets (issue 9; ``explain`` of a card whose example needs no sympy: 1.5×, issue 10): ``--help`` and ``solve conv2d --json`` within 1.1×, ``solve conv2d`` rendered
within 1.25×, the first question of ``drill TOPIC`` within 2× for every topic (timed as
``printf 'quit\\n' | examprep drill TOPIC -n 1``), and ``bank check --variants 10`` over the whole
bank under 10 s. It also checks that sympy and numpy are not imported on the fast path. This is a
benchmark to read, not a timed test.
"""

from __future__ import annotations

import argparse
import os
import random
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

#: command name -> target ratio to the hello-world
TARGETS = {
    "examprep --help": 1.1,
    "solve conv2d --json": 1.1,
    "solve conv2d (rendered)": 1.25,
    "explain lr-decay": 1.5,  # a card whose live example needs no sympy (issue 10)
    "explain lr-decay --json": 1.5,
}
DRILL_TARGET = 2.0
CHECK_TARGET_S = 10.0


Case = tuple[list[str], bytes | None, dict[str, str]]  # argv, stdin, extra environment


def run_once(argv: list[str], stdin: bytes | None, env: dict[str, str]) -> tuple[float, float]:
    """Wall-clock seconds and CPU seconds (user + system) of one whole process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        argv,
        input=stdin,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=True,
        env=env,
        cwd=env["EXAMPREP_HOME"],
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def interleaved(cases: dict[str, Case], runs: int, env: dict[str, str]) -> dict[str, tuple[float, float]]:
    """Median wall and CPU seconds of each case over ``runs`` rounds; every round runs each case
    once, in a shuffled order."""
    walls: dict[str, list[float]] = {name: [] for name in cases}
    cpus: dict[str, list[float]] = {name: [] for name in cases}
    names = list(cases)
    for _ in range(runs):
        random.shuffle(names)
        for name in names:
            argv, stdin, extra = cases[name]
            wall, cpu = run_once(argv, stdin, {**env, **extra})
            walls[name].append(wall)
            cpus[name].append(cpu)
    return {name: (statistics.median(walls[name]), statistics.median(cpus[name])) for name in cases}


def heavy_modules(args: list[str], env: dict[str, str]) -> str:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, env=env, cwd=env["EXAMPREP_HOME"]
    )
    line = next((ln for ln in result.stderr.splitlines() if ln.startswith("HEAVY=")), "HEAVY=?")
    return line.split("=", 1)[1] or "none"


def bank_topics() -> list[str]:
    from examprep.bank.loader import load_bank

    return sorted({t.topic for t in load_bank().templates.values() if getattr(t, "solver", None)})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=11, help="interleaved rounds (at least 9)")
    parser.add_argument("--topics", default="", help="drill topics, comma-separated (default: every topic)")
    parser.add_argument("--no-check", action="store_true", help="skip the 'bank check --variants 10' timing")
    parser.add_argument(
        "--compare",
        metavar="TREE",
        help="also time every examprep command from another source tree (e.g. an export of main), in the same rounds",
    )
    args = parser.parse_args()
    runs = max(9, args.runs)
    topics = [t for t in args.topics.split(",") if t] or bank_topics()
    exe = [sys.executable, "-m", "examprep"]
    with tempfile.TemporaryDirectory() as tmp:
        # every process runs in the temporary folder: ``python -m`` puts the working folder first on
        # sys.path, which would shadow the tree given with --compare
        env = {**os.environ, "EXAMPREP_HOME": tmp, "EXAMPREP_LANG": "en", "NO_COLOR": "1"}
        hello = Path(tmp) / "hello.py"
        hello.write_text(HELLO)
        cases: dict[str, Case] = {
            "examprep --help": ([*exe, "--help"], None, {}),
            "solve conv2d --json": ([*exe, *SOLVE_ARGS, "--json"], None, {}),
            "solve conv2d (rendered)": ([*exe, *SOLVE_ARGS], None, {}),
            "explain lr-decay": ([*exe, "explain", "lr-decay"], None, {}),
            "explain lr-decay --json": ([*exe, "explain", "lr-decay", "--json"], None, {}),
        }
        for topic in topics:
            cases[f"drill {topic} (first question)"] = ([*exe, "drill", topic, "-n", "1", "--seed", "1"], b"quit\n", {})
        if args.compare:
            other = {"PYTHONPATH": str(Path(args.compare).resolve())}
            cases.update({f"{name} [compare]": (argv, stdin, other) for name, (argv, stdin, _) in cases.items()})
        cases = {"typer hello-world": ([sys.executable, str(hello)], None, {}), **dict(sorted(cases.items()))}
        for argv, stdin, extra in cases.values():  # warm the file cache, the bytecode and any bank cache
            subprocess.run(
                argv, input=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**env, **extra}, cwd=tmp
            )
        times = interleaved(cases, runs, env)
        base_wall, base_cpu = times["typer hello-world"]
        print(f"{runs} interleaved rounds; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        if os.environ.get("PYTHONDONTWRITEBYTECODE"):
            print(
                "note: PYTHONDONTWRITEBYTECODE is set, so an editable install recompiles its sources on "
                "every run (tens of ms): unset it for numbers a student would see"
            )
        print("wall = elapsed time; cpu = user + system time of the process (steadier on a busy machine)")
        print(f"{'command':34} {'wall':>9} {'ratio':>6} {'cpu':>9} {'ratio':>6}  target")
        for name, (wall, cpu) in times.items():
            plain = name.removesuffix(" [compare]")
            target = TARGETS.get(plain, DRILL_TARGET if plain.startswith("drill") else None)
            verdict = "" if target is None else f"≤{target:g}x " + ("ok" if wall / base_wall <= target else "OVER")
            print(
                f"{name:34} {wall * 1000:7.1f}ms {wall / base_wall:5.2f}x {cpu * 1000:7.1f}ms {cpu / base_cpu:5.2f}x  {verdict}"
            )
        print()
        print("heavy modules imported by 'solve conv2d --json':", heavy_modules([*SOLVE_ARGS, "--json"], env))
        print("heavy modules imported by '--help':            ", heavy_modules(["--help"], env))
        print("heavy modules imported by 'explain lr-decay':  ", heavy_modules(["explain", "lr-decay"], env))
        if not args.no_check:
            trees = [("", {})] + (
                [(" [compare]", {"PYTHONPATH": str(Path(args.compare).resolve())})] if args.compare else []
            )
            for label, extra in trees:
                wall, cpu = run_once([*exe, "bank", "check", "--variants", "10"], None, {**env, **extra})
                verdict = "ok" if wall < CHECK_TARGET_S else "OVER"
                print(
                    f"bank check --variants 10 (whole bank){label}: {wall:.1f}s wall, {cpu:.1f}s cpu "
                    f"(target < {CHECK_TARGET_S:g}s) {verdict}"
                )


if __name__ == "__main__":
    main()
