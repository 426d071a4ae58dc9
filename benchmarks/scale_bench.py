"""Scale benchmark: every figure of `passerelle bench` in one run, on a generated corpus of N bilingual briefs
(benchmarks/corpus.py), with ratios measured in the same run so that a busy machine weighs on both sides.

Groups (``--only``): build (cold, warm and after one edit, against the floor: a plain ``mkdocs build`` of the
same generated docs tree with the same theme, plugins and hooks; size of the site; peak memory of the build's
process tree), enrich (enrichment against raw ``nlp.pipe`` on 2 processes, benchmarks/enrich_bench.py on a
sample of the corpus' size), search (benchmarks/search_bench.py, in Chromium, with Material's default search
built on the same pages), weight (benchmarks/weight_bench.py, when present: what a reader's first view costs).

    .venv/bin/passerelle bench --n 1000 --json out.json [--only build enrich search weight] [--keep DIR]

With ``--keep DIR`` each finished step is kept in DIR and a run cut short goes on from there (``Steps``).
"""
from __future__ import annotations

import argparse
import functools
import importlib.metadata
import importlib.util
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).parent))

import corpus  # noqa: E402

GROUPS = ("build", "enrich", "search", "weight")
ENRICH_SAMPLE = 300  # bilingual briefs for the enrichment ratio (2 processes above 200 documents per language)
EDITED = "content/briefs/bench-brief-00003.en.md"
EDIT = "One more sentence about language classes in rural Manitoba, added by the benchmark."
BIN = Path(sys.executable).parent
SAMPLE_EVERY = 0.05  # seconds between memory samples at least
SAMPLE_SHARE = 9  # and at least this many times what the last sample took: at most a tenth of a core
KCMP = {"x86_64": 312, "aarch64": 272}.get(platform.machine())  # kcmp(2)'s system call number
KCMP_VM = 1  # kcmp(2): do the two processes share one address space


class PeakMemory:
    """The largest memory of a process and all its children together, sampled every 50 ms or, when a sample
    costs more, after nine times its cost: ``peak`` counts each page once (the sum of proportional set
    sizes: a forked process shares its parent's pages, and the machine holds them once), ``rss_sum`` adds up
    every process's resident set (shared pages over again), ``parts`` splits the peak by kind of process
    (``process_kind``), so that a figure says who held it; a child still in its parent's address space
    (between vfork and exec: ``shares_memory``) is its parent, not counted again. The kernel walks a
    process's page tables to give its proportional size (120 ms for a 1.5 GB process on this machine): sampled back to back, a
    10,000-brief build's tree kept 40 % of a core busy, and the build it measured waited on it."""

    def __init__(self, pid: int, every: float = SAMPLE_EVERY,
                 on_sample: Callable[[list[tuple[int, str, int, int]]], None] | None = None):
        """``every``: seconds between samples at least; ``on_sample`` receives each sample's processes as
        (pid, kind, proportional bytes, unique bytes), for a timeline (benchmarks/memory_timeline.py)."""
        import psutil

        self.process, self.peak, self.rss_sum, self._stop = psutil.Process(pid), 0, 0, threading.Event()
        self.parts: dict[str, int] = {}
        self.every, self.on_sample = every, on_sample
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        import psutil

        while not self._stop.is_set():
            try:
                procs = [self.process] + self.process.children(recursive=True)
            except psutil.Error:
                return
            parts: dict[str, int] = {}
            sampled: list[tuple[int, str, int, int]] = []
            resident, started = 0, time.perf_counter()
            for p in procs:
                try:
                    if p.pid != self.process.pid and shares_memory(p.pid, p.ppid()):
                        continue  # its parent, counted as its parent
                    full, kind = p.memory_full_info(), process_kind(p, self.process.pid)
                except psutil.Error:
                    continue
                parts[kind], resident = parts.get(kind, 0) + full.pss, resident + full.rss
                sampled.append((p.pid, kind, full.pss, full.uss))
            proportional = sum(parts.values())
            if proportional > self.peak:
                self.peak, self.parts = proportional, parts
            self.rss_sum = max(self.rss_sum, resident)
            if self.on_sample is not None:
                self.on_sample(sampled)
            self._stop.wait(max(self.every, SAMPLE_SHARE * (time.perf_counter() - started)))

    def stop(self) -> tuple[int, int, dict[str, int]]:
        """(peak, rss_sum, parts of the peak by kind) in bytes."""
        self._stop.set()
        self._thread.join()
        return self.peak, self.rss_sum, dict(sorted(self.parts.items()))


def shares_memory(pid: int, other: int) -> bool:
    """Whether two processes run in one address space, as a child between vfork and exec runs in its parent's
    (Python's subprocess starts commands so): the kernel gives such a child its parent's figures, to the
    byte, and summed they would count the parent twice (03acf92's 10,000 peak did). False where the kernel
    cannot tell (no kcmp(2)): the parent is then counted twice, never left out."""
    if KCMP is None:
        return False
    import ctypes

    args = (ctypes.c_long(pid), ctypes.c_long(other), ctypes.c_long(KCMP_VM), ctypes.c_long(0), ctypes.c_long(0))
    return _libc().syscall(ctypes.c_long(KCMP), *args) == 0


@functools.cache
def _libc():
    """The C library this process already runs, opened once for every sample's ``shares_memory``."""
    import ctypes

    return ctypes.CDLL(None, use_errno=True)


def process_kind(p, root: int) -> str:
    """What a process of the build's tree is: ``build`` (the command itself), ``node`` (the search indexes),
    ``pandoc`` (e-books, handouts), ``spawned`` (MkDocs for a language other than the default), ``forked``
    (the exports' process beside the pages; during the checks, the enrichment ahead and spaCy's workers)."""
    if p.pid == root:
        return "build"
    name = p.name()
    tool = next((tool for tool in ("node", "pandoc") if name.startswith(tool)), "")
    if tool or not Path(p.exe()).name.startswith("python"):  # a console script's forks bear its name, not python's
        return tool or name
    return "spawned" if any("multiprocessing" in part for part in p.cmdline()) else "forked"


def megabytes(parts: dict[str, int]) -> dict[str, int]:
    return {kind: round(size / 2**20) for kind, size in parts.items()}


def run_timed(args: list[str], cwd: Path) -> tuple[float, tuple[int, int, dict[str, int]]]:
    """Wall seconds and peak memory (bytes, process tree: ``PeakMemory.stop``) of a command; raises with its
    output if it fails."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    memory = PeakMemory(proc.pid)
    out, _ = proc.communicate()
    seconds, peak = time.perf_counter() - start, memory.stop()
    if proc.returncode:
        raise RuntimeError(f"{' '.join(args)} failed:\n{out.decode('utf-8', 'replace')[-3000:]}")
    return seconds, peak


def build(project: Path, name: str) -> tuple[float, tuple[int, int, dict[str, int]], dict]:
    timings = project / f".bench-{name}.json"
    seconds, peak = run_timed([str(BIN / "passerelle"), "build", "--timings", str(timings)], project)
    return seconds, peak, json.loads(timings.read_text(encoding="utf-8"))


def enrich_entries(project: Path) -> int:
    folder = project / ".cache" / "passerelle" / "enrich"
    return sum(1 for _ in folder.iterdir()) if folder.is_dir() else 0


def site_size(site: Path, n: int) -> dict:
    files = [p for p in site.rglob("*") if p.is_file()]
    pages = [p for p in files if p.suffix == ".html"]
    total = sum(p.stat().st_size for p in files)
    biggest = max(pages, key=lambda p: p.stat().st_size)
    return {"size.site_bytes": total, "size.bytes_per_brief": round(total / n), "size.files": len(files),
            "size.pages": len(pages), "size.max_page_bytes": biggest.stat().st_size,
            "size.max_page": biggest.relative_to(site).as_posix(),
            "size.html_bytes": sum(p.stat().st_size for p in pages)}


def bench_build(project: Path, n: int, steps: Steps) -> dict:
    """Cold, floor, warm and one-edit builds of the generated project, in that order (each a step: ``Steps``)."""
    cold_s, cold_peak, cold = steps.run("cold", lambda: cold_build(project))
    floor_s, floor_peak = steps.run("floor", lambda: floor_build(project))
    warm_s, warm_peak, warm = steps.run("warm", lambda: build(project, "warm"))
    inc_s, inc_peak, inc, reenriched = steps.run("incremental", lambda: edited_build(project, steps))
    out = {"build.floor_s": round(floor_s, 2), "build.cold_s": round(cold_s, 2), "build.warm_s": round(warm_s, 2),
           "build.ratio": round(warm_s / floor_s, 3), "build.warm_site_mode": warm["site_mode"],
           "build.stages": {k: round(v, 2) for k, v in cold["stages"].items()},
           "build.warm_stages": {k: round(v, 2) for k, v in warm["stages"].items()},
           "incremental.reenriched_docs": reenriched, "incremental.s": round(inc_s, 2),
           "incremental.ratio": round(inc_s / floor_s, 3), "incremental.site_mode": inc["site_mode"],
           "incremental.files_written": inc["files_written"],
           "incremental.stages": {k: round(v, 2) for k, v in inc["stages"].items()},
           "peak_rss_mb": round(max(cold_peak[0], warm_peak[0], inc_peak[0]) / 2**20),
           "peak_rss_sum_mb": round(max(cold_peak[1], warm_peak[1], inc_peak[1]) / 2**20),
           "build.floor_peak_rss_mb": round(floor_peak[0] / 2**20),
           # each build's own peak, so growth can be read phase by phase (the cold one's: pandoc beside the pages)
           "build.cold_peak_rss_mb": round(cold_peak[0] / 2**20), "build.warm_peak_rss_mb": round(warm_peak[0] / 2**20),
           "incremental.peak_rss_mb": round(inc_peak[0] / 2**20),
           # who held each peak (``process_kind``), so that a change's effect on memory can be read by process
           "build.cold_peak_parts_mb": megabytes(cold_peak[2]), "build.warm_peak_parts_mb": megabytes(warm_peak[2]),
           "incremental.peak_parts_mb": megabytes(inc_peak[2]),
           "search.index_build_s": round(cold["stages"].get("exports.search_index", 0.0), 2)}
    out.update(steps.run("size", lambda: site_size(project / "site", n)))
    out["build.floor_ms_per_page"] = round(1000 * floor_s / out["size.pages"], 2)
    out["build.cold_s_per_brief"] = round(cold_s / n, 4)
    out["build.warm_s_per_brief"] = round(warm_s / n, 4)
    return out


def cold_build(project: Path) -> tuple[float, tuple[int, int, dict[str, int]], dict]:
    """A build with no cache and no site: what an earlier, interrupted attempt left is removed first."""
    for left in (".cache", "site", "docs_build"):
        shutil.rmtree(project / left, ignore_errors=True)
    return build(project, "cold")


def floor_build(project: Path) -> tuple[float, tuple[int, int, dict[str, int]]]:
    """Plain ``mkdocs build`` of the docs tree the cold build generated, into a folder thrown away."""
    with tempfile.TemporaryDirectory() as floor_site:
        return run_timed([str(BIN / "mkdocs"), "build", "-q", "-f", "docs_build/mkdocs.yml", "-d", floor_site], project)


def edited_build(project: Path, steps: Steps) -> tuple[float, tuple[int, int, dict[str, int]], dict, int]:
    """One sentence added to one brief, then a build; with the enrichment cache entries it added. The brief's
    text before any edit is kept with the steps: an attempt cut short is edited anew with a sentence of its
    own, so its enrichment is new to the cache as the first attempt's was."""
    edited, attempt = project / EDITED, steps.attempts("incremental")
    original = steps.kept_text(EDITED, edited.read_text(encoding="utf-8"))
    sentence = EDIT if attempt == 1 else f"{EDIT} (attempt {attempt})"
    edited.write_text(original.replace("{#about}\n\n", "{#about}\n\n" + sentence + "\n\n", 1), encoding="utf-8")
    before = enrich_entries(project)
    seconds, peak, timings = build(project, "incremental")
    return seconds, peak, timings, enrich_entries(project) - before


class Steps:
    """The figures of each finished step, kept in ``folder/steps.json`` when the benchmark runs with ``--keep``:
    a run of hours (10,000 briefs) that is cut short goes on from its first unfinished step when started
    again with the same folder, and the step cut short runs again from its start. Without a folder, nothing
    is kept. A folder measured at another commit, N or seed is refused: its figures would not add up."""

    def __init__(self, folder: Path | None, identity: dict):
        self.folder, self.identity = folder, identity
        self.file = folder / "steps.json" if folder else None
        self.data: dict = {"identity": identity, "done": {}, "attempts": {}, "seconds": {}, "texts": {}}
        if self.file and self.file.exists():
            kept = json.loads(self.file.read_text(encoding="utf-8"))
            if kept["identity"] != identity:
                raise SystemExit(f"{self.file}: measured for {kept['identity']}, not {identity} — "
                                 "give --keep a new folder, or remove this one")
            self.data = kept
        self.resumed = sorted(self.data["done"])

    def run(self, name: str, measure):
        if name in self.data["done"]:
            return self.data["done"][name]
        self.data["attempts"][name] = self.attempts(name) + 1
        self._save()
        start = time.perf_counter()
        result = measure()
        self.data["seconds"][name] = round(time.perf_counter() - start, 1)
        self.data["done"][name] = json.loads(json.dumps(result))  # as read back from the file: tuples become lists
        self._save()
        return self.data["done"][name]

    def attempts(self, name: str) -> int:
        return self.data["attempts"].get(name, 0)

    def kept_text(self, key: str, text: str) -> str:
        """``text`` the first time ``key`` is asked for, then what was kept that time."""
        self.data["texts"].setdefault(key, text)
        self._save()
        return self.data["texts"][key]

    def total_seconds(self) -> float:
        return round(sum(self.data["seconds"].values()), 1)

    def _save(self) -> None:
        if self.file:
            self.folder.mkdir(parents=True, exist_ok=True)
            partial = self.file.with_suffix(".tmp")
            partial.write_text(json.dumps(self.data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
            partial.replace(self.file)


def _module(name: str):
    path = Path(__file__).with_name(f"{name}.py")
    if not path.exists():
        return None
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def bench_enrich(n: int) -> dict:
    e = _module("enrich_bench").run(min(n, ENRICH_SAMPLE))["enrich"]
    return {"enrich.raw_wps": e["baseline_words_per_s"], "enrich.ours_wps": e["cold_words_per_s"],
            "enrich.ratio": e["ratio"], "enrich.n_process": e["n_process"], "enrich.sample_docs": e["docs"],
            "enrich.sample_words": e["words"]}


def bench_search(n: int) -> dict:
    bench = _module("search_bench")
    row = bench.measure(n, browser=True)
    row.update(bench.material_default(bench.documents(n)))
    langs = ("en", "fr")
    first = max(row[f"search.{lang}.browser_first_search_gz"] for lang in langs)
    out = {"search.first_search_bytes_gz": first,
           "search.latency_median_ms": max(row[f"search.{lang}.latency_median_ms"] for lang in langs),
           "search.latency_p95_ms": max(row[f"search.{lang}.latency_p95_ms"] for lang in langs),
           "search.index_bytes_per_brief": sum(row[f"search.{lang}.index_bytes_per_brief"] for lang in langs),
           "search.material_first_search_gz": row["material.first_search_gz"],
           "search.ratio_to_material": round(first / row["material.first_search_gz"], 3)}
    out.update({f"search.detail.{k.split('.', 1)[1]}": v for k, v in row.items() if k != "n_briefs"})
    return out


def bench_weight(site: Path) -> dict:
    weight = _module("weight_bench")
    if weight is None or not hasattr(weight, "measure"):
        return {}
    return {(k if k.startswith("weight.") else f"weight.{k}"): v for k, v in weight.measure(site).items()}


def machine() -> dict:
    import psutil

    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else ""
    versions = {p: importlib.metadata.version(p) for p in ("passerelle", "mkdocs", "mkdocs-material",
                                                              "mkdocs-static-i18n", "spacy")}
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    return {"cores": os.cpu_count(), "memory_gb": round(psutil.virtual_memory().total / 2**30, 1), "cpu": cpu,
            "python": platform.python_version(), "system": platform.platform(), "commit": commit,
            "load_average_at_start": [round(x, 2) for x in os.getloadavg()], "versions": versions}


def run(n: int, groups: tuple[str, ...] = GROUPS, seed: int = 1, keep: Path | None = None) -> dict:
    """Every group's figures; with ``keep``, in that folder, going on from where an earlier run stopped."""
    flat: dict = {"n_briefs": n}
    info = machine()
    steps = Steps(keep, {"n": n, "seed": seed, "commit": info["commit"]})
    with tempfile.TemporaryDirectory(prefix="passerelle-bench-") as tmp:
        project = (keep or Path(tmp)) / "project"
        flat["corpus.generate_s"] = steps.run("corpus", lambda: generated(project, n, seed))
        if "build" in groups:
            flat.update(bench_build(project, n, steps))
        if "weight" in groups:
            if not (project / "site").is_dir():
                steps.run("cold", lambda: cold_build(project))
            flat.update(steps.run("weight", lambda: bench_weight(project / "site")))
    if "enrich" in groups:
        flat.update(steps.run("enrich", lambda: bench_enrich(n)))
    if "search" in groups:
        flat.update(steps.run("search", lambda: bench_search(n)))
    info["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    info["bench_s"] = steps.total_seconds()
    if steps.resumed:
        info["resumed_after"] = steps.resumed  # steps measured by an earlier start of the same run
    flat["machine"] = info
    return flat


def generated(project: Path, n: int, seed: int) -> float:
    """Seconds to generate the corpus (again, whole, if an earlier attempt was cut short)."""
    start = time.perf_counter()
    corpus.generate(project, n, seed)
    return round(time.perf_counter() - start, 2)


def nested(flat: dict) -> dict:
    """``build.ratio`` -> {"build": {"ratio": ...}}: one level per first dot."""
    out: dict = {}
    for key, value in flat.items():
        head, _, rest = key.partition(".")
        if rest:
            out.setdefault(head, {})[rest] = value
        else:
            out[key] = value
    return out


def table(flat: dict) -> str:
    rows = ["| key | value |", "|---|---|"]
    for key, value in flat.items():
        if key == "machine":
            value = (f"{value['cores']} cores, {value['memory_gb']} GB, {value['cpu']}, Python {value['python']}, "
                     + ", ".join(f"{k} {v}" for k, v in value["versions"].items()) + f", commit {value['commit']}")
        elif isinstance(value, dict):
            value = ", ".join(f"{k} {v}" for k, v in value.items())
        rows.append(f"| {key} | {value} |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100, help="bilingual briefs to generate")
    ap.add_argument("--json", metavar="PATH", help="write the figures as one JSON object to PATH ('-': print it)")
    ap.add_argument("--only", nargs="+", choices=GROUPS, default=list(GROUPS))
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--keep", type=Path, metavar="DIR", help="work in DIR and keep each finished step there: started "
                    "again with the same DIR, N and seed, the run goes on from its first unfinished step")
    args = ap.parse_args(argv)
    flat = run(args.n, tuple(args.only), args.seed, args.keep.resolve() if args.keep else None)
    data = json.dumps(nested(flat), indent=1, ensure_ascii=False)
    if args.json == "-":
        print(data)
    else:
        print(table(flat))
        if args.json:
            Path(args.json).write_text(data + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
