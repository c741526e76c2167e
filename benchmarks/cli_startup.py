"""How long everyday `pmpath` commands take, against a bare Python start in the same run.

    python benchmarks/cli_startup.py [--runs 10]

Prints, for each command, the median wall time over the runs and its ratio to `python -c pass`
(timed before and after the commands; the median of both sets), twice:

- warm: the command's answer is stored (pmpath.cli.replay) and nothing it reads has changed
  since, as from a user's second run of the same command on;
- cold: no answer is stored (the answers are deleted before every run), as on the first run
  after any change to the content, to your data or to the terminal. The parsed-content cache
  (pmpath.contentcache) stays warm: only an upgrade or an edit of the content empties it;
- and, beside cold, the Typer app run without the store (`python -m pmpath.cli.app`): what a
  cold run pays for storing its answer is the difference.

The targets (issue #16) are judged on the warm figures: `--help` within 10x (it is never
stored, so its two figures are one), the everyday read commands (`roles`, `role`, `exam list`,
`profile`, `gaps`, `plan`, `exam readiness`) within 15x, `bank lint` within 25x. The commands
run against a database of their own holding one recorded self-assessment, so `profile`,
`gaps` and `plan` have something to show. Its "assessed N minutes ago" keeps `profile`'s
stored answer for a minute at most here: a run that crosses a minute is cold. Exits with 1
when any command misses its target.

Python's compiled bytecode is kept too, in a folder of the run's own (PYTHONPYCACHEPREFIX), as
it is on a user's machine from the second run on: an environment that sets
PYTHONDONTWRITEBYTECODE (some containers and CI images do) would otherwise make every run
compile pmpath's modules from source, which measures the compiler, not pmpath.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

EXAMPLE_ANSWERS = (
    Path(__file__).resolve().parents[1] / "docs" / "examples" / "engineer-answers.yaml"
)

#: (arguments, target ratio to a bare Python start)
COMMANDS: list[tuple[list[str], float]] = [
    (["--help"], 10.0),
    (["roles"], 15.0),
    (["role", "product-manager"], 15.0),
    (["exam", "list"], 15.0),
    (["profile"], 15.0),
    (["gaps"], 15.0),
    (["plan"], 15.0),
    (["exam", "readiness"], 15.0),
    (["bank", "lint"], 25.0),
]


def run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, capture_output=True, env=env, text=True)
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} failed with exit code {done.returncode}:\n{done.stderr}")


def seconds(
    command: list[str], runs: int, env: dict[str, str], before: Callable[[], None] | None = None
) -> list[float]:
    """Wall times of ``runs`` runs of ``command``; ``before`` runs untimed before each."""
    times = []
    for _ in range(runs):
        if before is not None:
            before()
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, env=env)
        times.append(time.perf_counter() - start)
    return times


def pmpath_executable() -> str:
    # Prefer the console script beside this interpreter (what users run), else PATH.
    beside = Path(sys.executable).with_name("pmpath")
    found = str(beside) if beside.exists() else shutil.which("pmpath")
    if found is None:
        sys.exit("pmpath is not installed in this environment (pip install -e .)")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="runs of each command (default 10)")
    args = parser.parse_args()
    pmpath = pmpath_executable()
    with tempfile.TemporaryDirectory() as folder:
        answers = Path(folder) / "cache" / "answers"
        env = {
            **os.environ,
            "PMPATH_DATABASE_URL": f"sqlite:///{Path(folder) / 'bench.db'}",
            "PMPATH_CACHE_DIR": str(Path(folder) / "cache"),
            "PYTHONPYCACHEPREFIX": str(Path(folder) / "bytecode"),
        }
        for name in ("PMPATH_FRAMEWORK", "PMPATH_PROFILE", "PYTHONDONTWRITEBYTECODE"):
            env.pop(name, None)
        run([pmpath, "assess", "--answers", str(EXAMPLE_ANSWERS)], env)
        bare = [sys.executable, "-c", "pass"]
        run(bare, env)  # the bytecode of the standard library, compiled once
        baseline_runs = seconds(bare, args.runs, env)
        rows = []
        for arguments, target in COMMANDS:
            command = [pmpath, *arguments]
            run(command, env)  # stores the answer; fills the parsed-content and bytecode caches
            stored = answers.exists() and any(answers.iterdir())
            warm = statistics.median(seconds(command, args.runs, env))
            cold = statistics.median(
                seconds(command, args.runs, env, lambda: shutil.rmtree(answers, True))
            )
            alone = statistics.median(
                seconds([sys.executable, "-m", "pmpath.cli.app", *arguments], args.runs, env)
            )
            rows.append((arguments, target, warm, cold, alone, stored))
            shutil.rmtree(answers, ignore_errors=True)
        after = seconds(bare, args.runs, env)
    baseline = statistics.median(baseline_runs + after)
    print(
        f"python -c pass: {baseline * 1000:.1f} ms (median of {len(baseline_runs + after)} runs, "
        f"half before the commands and half after: {statistics.median(baseline_runs) * 1000:.1f}"
        f" and {statistics.median(after) * 1000:.1f} ms)"
    )
    print(
        f"{'command':<28} {'warm: answer stored':>20} {'cold: none stored':>19} "
        f"{'app alone':>18} {'target':>7}  met (warm)"
    )
    missed = 0
    for arguments, target, warm, cold, alone, stored in rows:
        verdict = "yes" if warm / baseline <= target else "NO"
        missed += verdict == "NO"
        name = "pmpath " + " ".join(arguments)
        note = "" if stored else " (never stored: both figures are cold)"
        print(
            f"{name:<28} {warm * 1000:10.1f} ms {warm / baseline:5.1f}x "
            f"{cold * 1000:9.1f} ms {cold / baseline:5.1f}x {alone * 1000:8.1f} ms "
            f"{alone / baseline:5.1f}x {target:6g}x  {verdict}{note}"
        )
    print(
        f"median of {args.runs} runs each; warm: the answer stored and its inputs unchanged; "
        f"cold: answers deleted before each run (parsed content still cached). "
        f"{missed} command(s) over target"
    )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
