"""The Open data page, in each language: every published data file with its JSON Schema and its
fields (``data/open_data.yml``), the feeds, and the licence. Linked from the About page."""
from __future__ import annotations

from .. import settings, urls
from ..markup import esc, file_link, heading
from ..records import LANGS, Page
from .common import page, t
from ..context import SiteContext

MEDIA_TYPES = {"json": "application/json", "csv": "text/csv"}


def generate(ctx: SiteContext) -> list[Page]:
    return [open_data_page(ctx, lang) for lang in LANGS]


def open_data_page(ctx: SiteContext, lang: str) -> Page:
    here = urls.open_data_page(lang)
    lines = [heading(1, esc(t(lang, "open_data"))), "", esc(t(lang, "open_data_intro")), "",
             heading(2, esc(t(lang, "open_data_licence_title")), "licence"), "", esc(t(lang, "open_data_licence")), "",
             heading(2, esc(t(lang, "open_data_files")), "files"), "", esc(t(lang, "open_data_addresses")), ""]
    for spec in settings.open_data_files():
        target = urls.href(here, urls.data_file(spec.file))
        schema = urls.href(here, urls.data_schema(spec.schema))
        lines += [heading(3, file_link(esc(spec.file), target, MEDIA_TYPES[spec.file.rsplit(".", 1)[1]]),
                          spec.file.replace(".", "-")), "",
                  f"{esc(spec.about[lang])} ({file_link(esc(t(lang, 'open_data_schema')), schema, 'application/schema+json')})", "",
                  f"| {esc(t(lang, 'open_data_field'))} | {esc(t(lang, 'open_data_meaning'))} |", "|---|---|"]
        lines += [f"| `{name}` | {esc(text[lang])} |" for name, text in spec.fields.items()] + [""]
    lines += [heading(2, esc(t(lang, "open_data_feeds")), "feeds"), "", esc(t(lang, "open_data_feeds_intro")), ""]
    lines.append(f"- {file_link(esc(t(lang, 'open_data_feed_all')), urls.href(here, urls.feed(lang)), 'application/atom+xml')}")
    for audience, spec in ctx.model.audiences.items():
        lines.append(f"- {file_link(esc(spec.landing[lang]), urls.href(here, urls.feed(lang, audience)), 'application/atom+xml')}")
    return page(here, t(lang, "open_data"), lines, description=t(lang, "open_data_description"))
