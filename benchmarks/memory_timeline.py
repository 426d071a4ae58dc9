"""Memory of one build over time, by kind of process. ``passerelle bench`` gives each build's peak and who held
it (``peak_rss_mb``, ``*_peak_parts_mb``); at 10,000 briefs a cold build takes hours and goes through phases
that hold memory differently (spaCy's workers, then the pages beside the exports and pandoc, then MkDocs):
this writes the same samples (``scale_bench.PeakMemory``: proportional set sizes by kind of process) as a
timeline, so that a phase can be read, or measured on its own on a project whose other caches are warm.

    .venv/bin/python benchmarks/memory_timeline.py PROJECT [--every 2] [--out timeline.tsv]

Runs ``passerelle build`` in PROJECT; prints the peak and who held it; the timeline (seconds, total MB, MB
by kind, then each process as pid:kind:proportional MB:unique MB) goes to ``--out``: a process's unique
memory growing while its proportional memory does not is pages it shared with the build, copied.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from scale_bench import BIN, PeakMemory, megabytes  # noqa: E402


def watch(args: list[str], cwd: Path, every: float, out: Path) -> tuple[int, dict[str, int], int]:
    """Runs ``args`` in ``cwd``, a line of ``out`` per sample; (peak MB, its parts in MB, the exit code)."""
    with out.open("w", encoding="utf-8") as timeline:
        timeline.write("seconds\ttotal_mb\tparts_mb\tprocesses\n")
        start = time.monotonic()

        def write(processes: list[tuple[int, str, int, int]]) -> None:
            parts: dict[str, int] = {}
            for _, kind, proportional, _ in processes:
                parts[kind] = parts.get(kind, 0) + proportional
            row = " ".join(f"{kind}={size}" for kind, size in sorted(megabytes(parts).items()))
            each = " ".join(f"{pid}:{kind}:{pss >> 20}:{uss >> 20}" for pid, kind, pss, uss in processes)
            timeline.write(f"{time.monotonic() - start:.1f}\t{sum(parts.values()) >> 20}\t{row}\t{each}\n")
            timeline.flush()

        proc = subprocess.Popen(args, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        memory = PeakMemory(proc.pid, every=every, on_sample=write)
        code = proc.wait()
        peak, _, parts = memory.stop()
    return peak >> 20, megabytes(parts), code


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("project", type=Path)
    parser.add_argument("--every", type=float, default=2.0, help="seconds between samples at least")
    parser.add_argument("--out", type=Path, default=Path("timeline.tsv"))
    args = parser.parse_args()
    peak, parts, code = watch([str(BIN / "passerelle"), "build"], args.project, args.every, args.out)
    print(f"peak {peak} MB: " + ", ".join(f"{kind} {mb}" for kind, mb in sorted(parts.items()))
          + f"; passerelle build exited with {code}")
    return code


if __name__ == "__main__":
    sys.exit(main())
