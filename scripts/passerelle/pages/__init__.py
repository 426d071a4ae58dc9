"""Stage 4a: page generators. Each is pure (a ``SiteContext`` in, ``Page`` records out) and reads a
context collected once beforehand (``context.collect``), so pages that need the whole corpus (related
briefs, topics, listings) see all of it. A new page kind is one module and one line below."""
from __future__ import annotations

import pickle
import tempfile
import time
from collections import Counter
from typing import IO, Callable, Iterable, Iterator

from ..records import Page, RenderedPages
from . import about, briefs, gap_map, glossary, linked_data, listings, literature, offline, open_data, pilot_index, pilots, topics
from ..context import SiteContext

PageGenerator = Callable[[SiteContext], Iterable[Page]]

GENERATORS: tuple[PageGenerator, ...] = (
    briefs.generate,  # the full brief, a view per audience, notices for missing translations
    pilots.generate,  # a page per pilot: facts, outcomes, sections, an embeddable card
    pilot_index.generate,  # the funder view of pilots, its filter pages and where they are (pilots issue)
    topics.generate,
    literature.generate,
    glossary.generate,
    gap_map.generate,  # services and themes by populations: studies, briefs, pilots and the gaps
    open_data.generate,  # the data files, their schemas and fields, the feeds, the licence
    offline.generate,  # what the service worker shows for an address it has not kept, offline
    # last, the pages with e-books' sizes: they wait for the exports, made meanwhile (``exports.running``)
    listings.generate,  # home, briefs by year, audience landing pages
    about.generate,
)


def render(ctx: SiteContext, seconds: dict[str, float] | None = None) -> RenderedPages:
    """Every generator's pages, described (``linked_data``); ``seconds`` receives each one's time as
    ``pages.<module>``. Each page goes to a temporary file as it is rendered, and comes back from it when the
    site generator reads the pages: the build never holds them all (430 MB at 3,000 briefs), though a page's
    description is final only once every other page's is known."""
    spool = tempfile.TemporaryFile(prefix="passerelle-pages-")
    outlines, descriptions = [], Counter()
    for generate in GENERATORS:
        start = time.perf_counter()
        for page in generate(ctx):
            page = linked_data.with_own_description(ctx, page)
            descriptions[(page.lang, page.info.description)] += 1
            outlines.append(page.outline)
            pickle.dump(page, spool, pickle.HIGHEST_PROTOCOL)
        if seconds is not None:
            seconds[f"pages.{generate.__module__.rsplit('.', 1)[-1]}"] = time.perf_counter() - start
    return RenderedPages(tuple(outlines), _read_back(ctx, spool, len(outlines), descriptions))


def _read_back(ctx: SiteContext, spool: IO[bytes], count: int, descriptions: Counter) -> Iterator[Page]:
    """The spooled pages in order, finished (``linked_data.finished``); the file is gone once they are read."""
    with spool:
        spool.seek(0)
        for _ in range(count):
            yield linked_data.finished(ctx, pickle.load(spool), descriptions)
