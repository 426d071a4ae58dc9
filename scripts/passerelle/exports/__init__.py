"""Stage 4b: exports, the files published beside the pages. Each reads the same ``SiteContext`` as the
page generators and returns ``Asset`` records; expensive work (pandoc) goes through the cache
namespace it is given (named after the module). A new export is one module and one line below."""
from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
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


def render(ctx: SiteContext, root: Path, seconds: dict[str, float] | None = None) -> list[Asset]:
    """Every export's files; ``seconds`` receives each one's time as ``exports.<module>``."""
    out: list[Asset] = []
    for export in EXPORTS:
        name = export.__name__.rsplit(".", 1)[-1]
        start = time.perf_counter()
        out += export.generate(ctx, Cache.for_project(root, name, getattr(export, "CACHE_SUFFIX", "")))
        if seconds is not None:
            seconds[f"exports.{name}"] = time.perf_counter() - start
    return out


@contextmanager
def running(ctx: SiteContext, root: Path, seconds: dict[str, float] | None = None) -> Iterator[Made]:
    """``render`` in a background thread while the caller renders the pages: pandoc (e-books first) works on
    the other core meanwhile. One thread, not one per export: more threads only fight over the interpreter. Leaving the
    block waits for the exports, even after an error."""
    with ThreadPoolExecutor(1, thread_name_prefix="exports") as pool:
        yield Made(pool.submit(render, ctx, root, seconds))


class Made(Mapping[str, int]):
    """The exports' files once made (``assets``), and their sizes by docs-tree path as a mapping that waits
    for them (``SiteContext.downloads``): the pages that show a download's size render last."""

    def __init__(self, future: Future[list[Asset]]):
        self._future = future
        self._sizes: dict[str, int] | None = None

    def assets(self) -> list[Asset]:
        return self._future.result()

    def _all(self) -> dict[str, int]:
        if self._sizes is None:
            self._sizes = {a.path: len(a.data) for a in self.assets()}
        return self._sizes

    def __getitem__(self, path: str) -> int:
        return self._all()[path]

    def __iter__(self):
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())
