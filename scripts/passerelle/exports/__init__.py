"""Stage 4b: exports, the files published beside the pages. Each reads the same ``SiteContext`` as the
page generators and returns ``Asset`` records; expensive work (pandoc) goes through the cache
namespace it is given (named after the module). A new export is one module and one line below."""
from __future__ import annotations

import dataclasses
import gc
import multiprocessing
import pickle
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path

from ..cache import Cache
from ..context import SiteContext
from ..records import Asset, Stored
from . import addresses, catalogue, citation_files, ebooks, feeds, handouts, pilot_cards, pilot_data, search_index, webapp

EXPORTS = (
    ebooks,  # an EPUB of every brief and one per audience, per language (pandoc, citeproc): first, see ``running``
    citation_files,  # BibTeX, RIS, CSL-JSON beside every brief page
    handouts,  # a DOCX per audience part (pandoc)
    search_index,  # a prebuilt lunr index per language, and the search client
    pilot_cards,  # card.json beside every pilot page (pilots issue)
    addresses,  # redirects from aliases, the published-address manifest (pilots issue)
    catalogue,  # /data/catalogue.json and .csv: every brief and pilot, with their JSON Schemas
    pilot_data,  # /data/pilots.json and /data/pilots-360giving.json, with their JSON Schemas
    feeds,  # Atom feeds per language and per audience
    webapp,  # the installable site: a manifest per language and its icons
)
HANDED_ON = 200  # files an export hands to ``made`` at a time at most (handouts: about 2.5 MB) ...
HANDED_ON_BYTES = 16 * 2**20  # ... and bytes (200 e-book volumes are 100 MB)
PUBLISHED = "published"  # the cache namespace where the exports' process keeps every file it made (``stored``)


def render(ctx: SiteContext, root: Path, seconds: dict[str, float] | None = None,
           made: Callable[[list[Asset]], list[Asset]] | None = None, chosen: tuple = EXPORTS) -> list[Asset]:
    """The files of every export (or of those ``chosen``); ``seconds`` receives each one's time as
    ``exports.<module>``, ``made`` each one's files as soon as they are made (``_batches`` of them, so
    that the exports' process holds a batch, not every handout), and returns what is kept in their stead."""
    out: list[Asset] = []
    for export in chosen:
        name = export.__name__.rsplit(".", 1)[-1]
        start = time.perf_counter()
        files = export.generate(ctx, Cache.for_project(root, name, getattr(export, "CACHE_SUFFIX", "")))
        if made is None:
            out += files
        else:  # an export that yields its files is never held whole
            out += [kept for batch in _batches(files) for kept in made(batch)]
        if seconds is not None:
            seconds[f"exports.{name}"] = time.perf_counter() - start
    return out


def _batches(items: Iterable[Asset]) -> Iterator[list[Asset]]:
    """The files in lists of at most ``HANDED_ON`` files, each cut once it holds ``HANDED_ON_BYTES``."""
    batch: list[Asset] = []
    held = 0
    for item in items:
        batch.append(item)
        held += item.size
        if len(batch) >= HANDED_ON or held >= HANDED_ON_BYTES:
            yield batch
            batch, held = [], 0
    if batch:
        yield batch


@contextmanager
def running(ctx: SiteContext, root: Path, seconds: dict[str, float] | None = None) -> Iterator[Made]:
    """``render`` in a forked process while the caller renders the pages: the exports' Python and the pages'
    then run on both cores (as threads of one process they took turns on the interpreter: the brief pages
    took twice as long beside them). In that process, the e-books (first in EXPORTS; they mostly wait
    for pandoc) run in one thread and the other exports after each other in another. Forked, the process
    shares the context as it is, unpickled; it sends each export's file sizes as soon as they are known, then
    the files and ``seconds``. The files' bytes stay in the cache (``stored``): neither process holds them
    all, and the pipe carries their names. Leaving the block waits for the exports, even after an error."""
    fork = multiprocessing.get_context("fork")
    receiving, sending = fork.Pipe(duplex=False)
    process = fork.Process(target=_exports_process, args=(ctx, root, sending), name="passerelle-exports", daemon=True)
    gc.freeze()  # the context's objects out of both processes' collections: a collection writes to every object
    # it visits, and so copies into the forked process each page of the parent's memory it touches
    try:
        process.start()
        sending.close()
        made = Made(receiving, process)
        try:
            yield made
        finally:
            made.wait()
            if seconds is not None:
                seconds.update(made.seconds)
    finally:
        gc.unfreeze()


def _exports_process(ctx: SiteContext, root: Path, sending: Connection) -> None:
    """The forked process's work (see ``running``); what it sends: ``("sizes", {path: size})`` per export,
    then ``("done", assets, seconds)`` or ``("failed", error)``."""
    seconds: dict[str, float] = {}
    lock = threading.Lock()
    store = Cache.for_project(root, PUBLISHED)

    def send(files: list[Asset]) -> list[Asset]:
        kept = [stored(a, store) for a in files]
        with lock:
            sending.send(("sizes", {a.path: a.size for a in kept}))
        return kept

    try:
        with ThreadPoolExecutor(2, thread_name_prefix="exports") as pool:
            parts = [pool.submit(render, ctx, root, seconds, send, part) for part in (EXPORTS[:1], EXPORTS[1:])]
            assets = [a for part in parts for a in part.result()]
        store.prune({a.sha256 for a in assets})  # the files of earlier builds
        message: tuple = ("done", assets, seconds)
    except BaseException as exc:  # noqa: BLE001 - the parent raises it; this process only reports it
        message = ("failed", _sendable(exc))
    with lock:
        sending.send(message)
    sending.close()


def stored(asset: Asset, store: Cache) -> Asset:
    """The asset with its bytes in ``store``, under their SHA-256 (written once: a warm build only hashes)."""
    file = store.keep(asset.sha256, asset.data)
    return dataclasses.replace(asset, data=b"", stored=Stored(str(file), asset.sha256, asset.size))


def _sendable(exc: BaseException) -> tuple:
    """The error as (type, args, attributes), which the parent rebuilds without calling ``__init__``: errors
    whose constructor takes other arguments than their ``args`` (``SearchIndexError``) keep their type, so
    the command still names what to fix. Its text alone if even that cannot be pickled."""
    sent = (type(exc), exc.args, dict(vars(exc)))
    try:
        pickle.dumps(sent)
        return sent
    except Exception:  # noqa: BLE001 - any pickling failure: keep the message
        return RuntimeError, (f"{type(exc).__name__}: {exc}",), {}


def _rebuilt(sent: tuple) -> BaseException:
    kind, args, attributes = sent
    exc = kind.__new__(kind, *args)
    exc.args = args
    exc.__dict__.update(attributes)
    return exc


class Made(Mapping[str, int]):
    """The exports' files once all are made (``assets``, in the order of EXPORTS), and their sizes by
    docs-tree path as a mapping (``SiteContext.downloads``) that waits only for the export making the file
    asked for: the pages showing e-book sizes render last and wait for the e-books, not for the others.
    Fed by a thread reading what the exports' process sends (``running``)."""

    def __init__(self, receiving: Connection, process: BaseProcess):
        self._sizes: dict[str, int] = {}
        self._assets: list[Asset] | None = None
        self._error: BaseException | None = None
        self.seconds: dict[str, float] = {}
        self._changed = threading.Condition()
        self._listener = threading.Thread(target=self._listen, args=(receiving, process), daemon=True,
                                          name="passerelle-exports-listener")
        self._listener.start()

    def _listen(self, receiving: Connection, process: BaseProcess) -> None:
        with receiving:
            while True:
                try:
                    kind, *payload = receiving.recv()
                except EOFError:
                    process.join()
                    self._finish(error=ChildProcessError(f"the exports' process ended with code {process.exitcode}"))
                    return
                if kind == "sizes":
                    with self._changed:
                        self._sizes.update(payload[0])
                        self._changed.notify_all()
                    continue
                process.join()
                if kind == "done":
                    self.seconds = payload[1]
                    self._finish(assets=payload[0])
                else:
                    self._finish(error=_rebuilt(payload[0]))
                return

    def _finish(self, assets: list[Asset] | None = None, error: BaseException | None = None) -> None:
        with self._changed:
            self._assets, self._error = assets, error
            self._changed.notify_all()

    def _done(self) -> bool:
        return self._assets is not None or self._error is not None

    def wait(self) -> None:
        """Until the exports' process has sent its last word (or ended)."""
        self._listener.join()

    def assets(self) -> list[Asset]:
        with self._changed:
            self._changed.wait_for(self._done)
        if self._error is not None:
            raise self._error
        return list(self._assets or [])

    def __getitem__(self, path: str) -> int:
        with self._changed:
            self._changed.wait_for(lambda: path in self._sizes or self._done())
            if path in self._sizes:
                return self._sizes[path]
        self.assets()  # an export's error, if one failed
        raise KeyError(path)

    def __iter__(self):
        self.assets()
        return iter(self._sizes)

    def __len__(self) -> int:
        self.assets()
        return len(self._sizes)
