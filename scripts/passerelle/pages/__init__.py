"""Stage 4a: page generators. Each is pure (a ``SiteContext`` in, ``Page`` records out) and reads a
context collected once beforehand (``context.collect``), so pages that need the whole corpus (related
briefs, topics, listings) see all of it. A new page kind is one module and one line below."""
from __future__ import annotations

from typing import Callable, Iterable

from ..records import Page
from . import about, briefs, glossary, listings, literature, offline, pilots, topics
from ..context import SiteContext

PageGenerator = Callable[[SiteContext], Iterable[Page]]

GENERATORS: tuple[PageGenerator, ...] = (
    briefs.generate,  # the full brief, a view per audience, notices for missing translations
    pilots.generate,
    listings.generate,  # home, briefs by year, audience landing pages
    topics.generate,
    literature.generate,
    glossary.generate,
    about.generate,
    offline.generate,  # what the service worker shows for an address it has not kept, offline
)


def render(ctx: SiteContext) -> list[Page]:
    return [p for generate in GENERATORS for p in generate(ctx)]
