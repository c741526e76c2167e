"""How long `pmpath --help` takes to start, against a bare Python start in the same run.

    python benchmarks/cli_startup.py [--runs 20]

Prints the median wall time of each over the runs and their ratio. The target is a ratio
of at most 10: the CLI must import heavy libraries (pydantic, Rich, the framework) lazily.
Exits with 1 when the ratio is above the target.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

TARGET_RATIO = 10.0


def median_seconds(command: list[str], runs: int) -> float:
    subprocess.run(command, check=True, capture_output=True)  # warm the file cache
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def pmpath_command() -> list[str]:
    # Prefer the console script beside this interpreter (what users run), else PATH.
    beside = Path(sys.executable).with_name("pmpath")
    found = str(beside) if beside.exists() else shutil.which("pmpath")
    if found is None:
        sys.exit("pmpath is not installed in this environment (pip install -e .)")
    return [found, "--help"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="runs of each command (default 20)")
    args = parser.parse_args()

    baseline = median_seconds([sys.executable, "-c", "pass"], args.runs)
    cli = median_seconds(pmpath_command(), args.runs)
    ratio = cli / baseline
    print(f"python -c pass  median of {args.runs}: {baseline * 1000:7.1f} ms")
    print(f"pmpath --help   median of {args.runs}: {cli * 1000:7.1f} ms")
    print(f"ratio: {ratio:.2f} (target <= {TARGET_RATIO:g})")
    return 0 if ratio <= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
