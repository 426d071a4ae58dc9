"""The installable site: a web app manifest per language (``manifest.webmanifest`` at the root and
``fr/manifest.webmanifest``) and its icons, drawn here — a white footbridge (a *passerelle*) on the
site's teal — as PNG files written with ``zlib`` alone: no image library, no network, the same bytes on
every build. ``maskable`` icons keep the drawing inside the central 60 % that every mask shape shows.
The service worker that makes the site work offline is written after MkDocs (``sitegen/webapp.py``):
its revisions are hashes of the published files."""
from __future__ import annotations

import json
import math
import struct
import zlib

from .. import cache, settings, urls
from ..context import SiteContext
from ..records import DEFAULT_LANG, LANGS, Asset

CACHE_SUFFIX = ".png"
ICON_VERSION = "1"  # bump when the drawing changes
THEME = (0x00, 0x69, 0x5c)  # overrides/assets/passerelle.css: the header's teal, 6.6:1 with white
WHITE = (0xFF, 0xFF, 0xFF)
ICONS = (  # file name, size in pixels, drawing scale (share of the side), purpose in the manifest
    ("icon-192.png", 192, 0.78, "any"),
    ("icon-512.png", 512, 0.78, "any"),
    ("icon-maskable-512.png", 512, 0.56, "maskable"),
    ("apple-touch-icon.png", 180, 0.70, ""),  # iOS ignores manifest icons
    ("favicon-32.png", 32, 0.92, ""),
)
SUPERSAMPLE = 3  # samples per pixel side: smooth edges at small sizes


def generate(ctx: SiteContext, store: cache.Cache) -> list[Asset]:  # noqa: ARG001 - the export signature
    assets = [Asset(icon_path(name), store.get_or_make(cache.key(ICON_VERSION, name, str(size), str(scale)),
                                                       lambda size=size, scale=scale: png(size, scale)))
              for name, size, scale, _ in ICONS]
    return assets + [Asset(urls.source(lang, "manifest.webmanifest"), manifest(lang)) for lang in LANGS]


def icon_path(name: str) -> str:
    return urls.source(DEFAULT_LANG, "assets", "icons", name)


def manifest(lang: str) -> bytes:
    """The app as the reader's language names it; addresses are relative to the manifest's own."""
    root = "" if lang == DEFAULT_LANG else "../"
    other = [o for o in LANGS if o != lang]
    data = {
        "name": settings.text(lang, "app_name"),
        "short_name": settings.text(lang, "app_short_name"),
        "description": settings.text(lang, "app_description"),
        "lang": lang,
        "dir": "ltr",
        "id": "./",
        "start_url": "./",
        "scope": root or "./",  # the whole site: the installed app follows the language switch
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#%02x%02x%02x" % THEME,
        "icons": [{"src": f"{root}assets/icons/{name}", "sizes": f"{size}x{size}", "type": "image/png",
                   "purpose": purpose} for name, size, _, purpose in ICONS if purpose],
        # the other language's app, named in that language: an installed app still reaches it
        "shortcuts": [{"name": settings.text(o, "app_name"), "url": f"{root}{'' if o == DEFAULT_LANG else o + '/'}"}
                      for o in other],
    }
    return (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


# ---------------------------------------------------------------- drawing


def covered(x: float, y: float) -> bool:
    """Whether a point of the unit square (0..1, y downwards) is white: a deck on top of an arch,
    joined by posts, with rails above the deck."""
    deck = 0.36 <= y <= 0.44 and 0.04 <= x <= 0.96
    rail = 0.22 <= y <= 0.26 and 0.04 <= x <= 0.96
    rail_post = 0.22 <= y <= 0.36 and any(abs(x - p) <= 0.02 for p in (0.06, 0.28, 0.50, 0.72, 0.94))
    r = math.hypot(x - 0.5, y - 0.98)
    arch = 0.40 <= r <= 0.48 and y <= 0.92
    post = r > 0.48 and y > 0.44 and abs(x - 0.5) < 0.40 and any(abs(x - p) <= 0.022 for p in (0.2, 0.35, 0.5, 0.65, 0.8))
    return deck or rail or rail_post or arch or post


def png(size: int, scale: float) -> bytes:
    """A ``size`` px square PNG: the drawing centred at ``scale`` of the side, on the theme colour."""
    rows = []
    n = SUPERSAMPLE
    offset = (1 - scale) / 2
    for py in range(size):
        row = bytearray([0])  # filter: none
        for px in range(size):
            hits = 0
            for sy in range(n):
                for sx in range(n):
                    u = ((px + (sx + 0.5) / n) / size - offset) / scale
                    v = ((py + (sy + 0.5) / n) / size - offset) / scale
                    hits += 0 <= u <= 1 and 0 <= v <= 1 and covered(u, v)
            a = hits / (n * n)
            row += bytes(round(t + (w - t) * a) for t, w in zip(THEME, WHITE))
        rows.append(bytes(row))
    return _png_bytes(size, b"".join(rows))


def _png_bytes(size: int, raw: bytes) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)  # 8-bit RGB
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")
