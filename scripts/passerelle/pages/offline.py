"""The page the service worker shows for an address it has not kept when there is no connection, one
per language (``/offline/``, ``/fr/offline/``). It is precached with the site's shell."""
from __future__ import annotations

from .. import urls
from ..markup import esc, heading, link
from ..records import LANGS, Page
from .common import page, t
from ..context import SiteContext


def generate(ctx: SiteContext) -> list[Page]:  # noqa: ARG001 - the generator signature
    return [offline_page(lang) for lang in LANGS]


def offline_page(lang: str) -> Page:
    here = urls.single(lang, "offline")
    lines = [heading(1, esc(t(lang, "offline_page_title"))), "", esc(t(lang, "offline_page_text")), "",
             link(esc(t(lang, "offline_page_home")), urls.link(here, urls.home(lang))), ""]
    return page(here, t(lang, "offline_page_title"), lines)
