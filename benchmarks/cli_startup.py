"""How long everyday `pmpath` commands take, against a bare Python start in the same run.

    python benchmarks/cli_startup.py [--runs 10]

Prints the median wall time of each command over the runs, its ratio to `python -c pass`
and its target (issue #16): `--help` within 10x, the everyday read commands (`roles`, `role`,
`exam list`, `profile`, `gaps`, `plan`, `exam readiness`) within 15x, `bank lint` within 25x.
The commands run against a database of their own holding one recorded self-assessment (so
`profile`, `gaps` and `plan` have something to show), with the parsed-content cache warm, as
it is from a user's second command on. Exits with 1 when any command misses its target.

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


def median_seconds(command: list[str], runs: int, env: dict[str, str]) -> float:
    run(command, env)  # warm the caches: parsed content and bytecode
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, env=env)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


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
        env = {
            **os.environ,
            "PMPATH_DATABASE_URL": f"sqlite:///{Path(folder) / 'bench.db'}",
            "PMPATH_CACHE_DIR": str(Path(folder) / "cache"),
            "PYTHONPYCACHEPREFIX": str(Path(folder) / "bytecode"),
        }
        env.pop("PMPATH_FRAMEWORK", None)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        run([pmpath, "assess", "--answers", str(EXAMPLE_ANSWERS)], env)
        baseline = median_seconds([sys.executable, "-c", "pass"], args.runs, env)
        print(f"{'python -c pass':<28} {baseline * 1000:7.1f} ms")
        missed = 0
        for arguments, target in COMMANDS:
            took = median_seconds([pmpath, *arguments], args.runs, env)
            ratio = took / baseline
            verdict = "ok" if ratio <= target else "MISSED"
            missed += ratio > target
            name = "pmpath " + " ".join(arguments)
            print(
                f"{name:<28} {took * 1000:7.1f} ms  {ratio:5.1f}x  "
                f"(target <= {target:g}x) {verdict}"
            )
    print(f"median of {args.runs} runs each; {missed} command(s) over target")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
