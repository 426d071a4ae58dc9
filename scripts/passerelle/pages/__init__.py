"""Stage 4a: page generators. Each is pure (a ``SiteContext`` in, ``Page`` records out) and reads a
context collected once beforehand (``context.collect``), so pages that need the whole corpus (related
briefs, topics, listings) see all of it. A new page kind is one module and one line below."""
from __future__ import annotations

import time
from typing import Callable, Iterable

from ..records import Page
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


def render(ctx: SiteContext, seconds: dict[str, float] | None = None) -> list[Page]:
    """Every generator's pages; ``seconds`` receives each one's time as ``pages.<module>``."""
    out: list[Page] = []
    for generate in GENERATORS:
        start = time.perf_counter()
        out += generate(ctx)
        if seconds is not None:
            seconds[f"pages.{generate.__module__.rsplit('.', 1)[-1]}"] = time.perf_counter() - start
    return linked_data.describe_all(ctx, out)
