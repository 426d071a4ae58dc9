"""Stage 4b: exports, the files published beside the pages. Each reads the same ``SiteContext`` as the
page generators and returns ``Asset`` records; expensive work (pandoc) goes through the cache
namespace it is given (named after the module). A new export is one module and one line below."""
from __future__ import annotations

import time
from pathlib import Path

from ..cache import Cache
from ..context import SiteContext
from ..records import Asset
from . import addresses, catalogue, citation_files, ebooks, feeds, handouts, pilot_cards, pilot_data, search_index, webapp

EXPORTS = (
    citation_files,  # BibTeX, RIS, CSL-JSON beside every brief page
    handouts,  # a DOCX per audience part (pandoc)
    search_index,  # a prebuilt lunr index per language, and the search client
    pilot_cards,  # card.json beside every pilot page (pilots issue)
    addresses,  # redirects from aliases, the published-address manifest (pilots issue)
    catalogue,  # /data/catalogue.json and .csv: every brief and pilot, with their JSON Schemas
    pilot_data,  # /data/pilots.json and /data/pilots-360giving.json, with their JSON Schemas
    feeds,  # Atom feeds per language and per audience
    ebooks,  # an EPUB of every brief and one per audience, per language (pandoc, citeproc)
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
