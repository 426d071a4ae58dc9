"""Stage 4b: exports, the files published beside the pages. Each reads the same ``SiteContext`` as the
page generators and returns ``Asset`` records; expensive work (pandoc) goes through the cache
namespace it is given (named after the module). A new export is one module and one line below."""
from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from ..cache import Cache
from ..context import SiteContext
from ..records import Asset
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


def render(ctx: SiteContext, root: Path, seconds: dict[str, float] | None = None,
           made: Callable[[list[Asset]], None] | None = None, chosen: tuple = EXPORTS) -> list[Asset]:
    """The files of every export (or of those ``chosen``); ``seconds`` receives each one's time as
    ``exports.<module>``, ``made`` each one's files as soon as they are made."""
    out: list[Asset] = []
    for export in chosen:
        name = export.__name__.rsplit(".", 1)[-1]
        start = time.perf_counter()
        files = export.generate(ctx, Cache.for_project(root, name, getattr(export, "CACHE_SUFFIX", "")))
        if seconds is not None:
            seconds[f"exports.{name}"] = time.perf_counter() - start
        if made is not None:
            made(files)
        out += files
    return out


@contextmanager
def running(ctx: SiteContext, root: Path, seconds: dict[str, float] | None = None) -> Iterator[Made]:
    """``render`` in background threads while the caller renders the pages: the e-books (first in EXPORTS;
    they mostly wait for pandoc) in one, the other exports after each other in another, so pandoc works on
    the other core while Python renders. Two threads, not one per export: more only fight over the
    interpreter. Leaving the block waits for the exports, even after an error."""
    with ThreadPoolExecutor(2, thread_name_prefix="exports") as pool:
        yield Made(lambda made: [pool.submit(render, ctx, root, seconds, made, part) for part in (EXPORTS[:1], EXPORTS[1:])])


class Made(Mapping[str, int]):
    """The exports' files once all are made (``assets``, in the order of EXPORTS), and their sizes by
    docs-tree path as a mapping (``SiteContext.downloads``) that waits only for the export making the file
    asked for: the pages showing e-book sizes render last and wait for the e-books, not for the others."""

    def __init__(self, start: Callable[[Callable[[list[Asset]], None]], list[Future[list[Asset]]]]):
        self._sizes: dict[str, int] = {}
        self._changed = threading.Condition()
        self._futures = start(self._add)
        for future in self._futures:
            future.add_done_callback(lambda _: self._add([]))

    def _add(self, files: list[Asset]) -> None:
        with self._changed:
            self._sizes.update((a.path, len(a.data)) for a in files)
            self._changed.notify_all()

    def _done(self) -> bool:
        return all(future.done() for future in self._futures)

    def assets(self) -> list[Asset]:
        return [a for future in self._futures for a in future.result()]

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
