"""The one content-addressed cache for expensive work (spaCy enrichment, pandoc citations and handouts).

An entry's name is the SHA-256 of everything its bytes depend on (the text, the tool and its version,
the settings), so a changed input simply misses and an unchanged one is never recomputed. Entries are
written atomically: a build interrupted mid-write never leaves half an entry behind."""
from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import tempfile
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Callable

CACHE_DIR = Path(".cache") / "passerelle"  # under the project root; CI caches this folder
AHEAD = 4  # jobs per core that get_or_make_each runs ahead of the entry it yields
OUTSIDE_RUNS = threading.BoundedSemaphore(os.cpu_count() or 1)  # outside programs at once, whichever thread starts them
LARGE_RUNS = threading.BoundedSemaphore(1)  # of those, the ones that hold 250 to 500 MB at 10,000 briefs, one at a time


def key(*parts: str) -> str:
    """The address of an entry: a hash of every input it depends on, in order."""
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()


class Cache:
    """One namespace of the cache (e.g. ``enrich``), a folder of ``<hash><suffix>`` files; None keeps nothing."""

    def __init__(self, folder: Path | str | None, suffix: str = ""):
        self.folder = Path(folder) if folder else None
        self.suffix = suffix

    @classmethod
    def for_project(cls, root: Path, namespace: str, suffix: str = "") -> Cache:
        return cls(Path(root) / CACHE_DIR / namespace, suffix)

    def beside(self, namespace: str, suffix: str = "") -> Cache:
        """Another namespace of the same cache (none when this one keeps nothing)."""
        return Cache(self.folder.parent / namespace if self.folder else None, suffix)

    def path(self, address: str) -> Path | None:
        return self.folder / f"{address}{self.suffix}" if self.folder else None

    def has(self, address: str) -> bool:
        path = self.path(address)
        return path is not None and path.is_file()

    def get(self, address: str) -> bytes | None:
        path = self.path(address)
        try:
            return path.read_bytes() if path else None
        except OSError:
            return None

    def put(self, address: str, data: bytes) -> None:
        path = self.path(address)
        if path is None:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)

    def keep(self, address: str, data: bytes) -> Path | None:
        """``put`` unless the entry is there already (an address that names its bytes); its file."""
        path = self.path(address)
        if path is not None and not path.exists():
            self.put(address, data)
        return path

    def prune(self, kept: set[str]) -> None:
        """Remove every entry whose address is not in ``kept``: for a namespace that mirrors what a build
        publishes (``exports.PUBLISHED``), not work worth keeping."""
        for path in self.folder.glob(f"*{self.suffix}") if self.folder and self.folder.is_dir() else ():
            if path.name[:len(path.name) - len(self.suffix)] not in kept:
                path.unlink(missing_ok=True)

    def get_or_make(self, address: str, make: Callable[[], bytes]) -> bytes:
        data = self.get(address)
        if data is None:
            data = make()
            self.put(address, data)
        return data

    def get_or_make_each(self, jobs: Iterable[tuple[str, Callable[[], bytes]]], large: bool = False) -> Iterator[bytes]:
        """``get_or_make`` for many entries, in the order of ``jobs``, each yielded as soon as it and those
        before it are ready: the missing ones are made on every core at once, for work that runs outside
        Python (pandoc), where threads overlap fully. One run per core across the process (``OUTSIDE_RUNS``,
        which the e-books take too): the e-books and the handouts are made in different threads, and their
        pandoc runs at once would only share the cores and add up their memory. At most ``AHEAD`` jobs per
        core run ahead of the one yielded, so the caller holds a few entries at a time, never all of them.
        Each entry is kept as soon as it is made (an interrupted build keeps what it did). ``large`` jobs run
        one at a time (``outside``)."""
        workers = os.cpu_count() or 1
        with ThreadPoolExecutor(workers) as pool:
            running: deque[Future[bytes]] = deque()
            for address, make in jobs:
                running.append(pool.submit(self.get_or_make, address, functools.partial(outside, make, large)))
                if len(running) >= AHEAD * workers:
                    yield running.popleft().result()
            while running:
                yield running.popleft().result()


def outside(make: Callable[[], bytes], large: bool = False) -> bytes:
    """``make`` in one of the process's outside runs (``outside_run``)."""
    with outside_run(large):
        return make()


@contextlib.contextmanager
def outside_run(large: bool = False) -> Iterator[None]:
    """Once one of the process's ``OUTSIDE_RUNS`` is free; if the run is ``large`` (an e-book volume in pandoc,
    Node building the search indexes), once no other large one runs: at 10,000 briefs two e-book volumes in
    pandoc held 480 MB beside the build's 1,400, where a volume beside a handout holds 360. The large run is
    always taken first, here only: no thread holds an outside run while it waits for the large one."""
    with LARGE_RUNS if large else contextlib.nullcontext(), OUTSIDE_RUNS:
        yield
