"""What a reader's browser downloads (offline issue's weight budget), measured in Debian's Chromium on a
built site served on loopback with gzip (as GitHub Pages serves it, with its 10-minute cache lifetime).

- first view: a brief page opened in a fresh browser, until its service worker is running: every request
  the page makes (HTML, CSS, JS, icons, the manifest, sw.js), each counted as its gzipped body. The
  worker's own first-visit precaching runs after the page has loaded and is reported apart
  (``weight.sw_precache_bytes_gz``), as are sitemap fetches (none expected) and 404s;
- second page: another brief's audience view (not precached) opened next in the same browser;
- first contentful paint of the brief page on a throttled slow-3G profile (Chrome DevTools' preset: 2 s
  round trip, 400 kbit/s), through the DevTools protocol — reported, never asserted.

    .venv/bin/python benchmarks/weight_bench.py [--site site] [--json PATH|-]
    passerelle bench --only weight

``measure(site)`` returns the ``weight.*`` keys; ``passerelle bench`` calls it on a built site.
"""
from __future__ import annotations

import argparse
import contextlib
import functools
import gzip
import http.server
import json
import mimetypes
import shutil
import sys
import threading
from pathlib import Path
from urllib.parse import unquote, urlparse

ROOT = Path(__file__).resolve().parents[1]
SLOW_3G = {"offline": False, "latency": 2000, "downloadThroughput": 500 * 1000 / 8 * 0.8,
           "uploadThroughput": 500 * 1000 / 8 * 0.8}  # Chrome DevTools' "Slow 3G"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
TYPES = {".webmanifest": "application/manifest+json", ".js": "text/javascript", ".json": "application/json"}
COMPRESSED = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".zip", ".docx", ".gz", ".woff2", ".woff")


def gzipped(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=9, mtime=0)


class _Handler(http.server.BaseHTTPRequestHandler):
    """Serves the site's files, gzipped where the browser accepts it, and logs each request."""

    def __init__(self, *args, site: Path, log: list, **kwargs):
        self.site, self.log = site, log
        super().__init__(*args, **kwargs)

    def log_message(self, *args):
        pass

    def do_GET(self):  # noqa: N802 - http.server's name
        path = unquote(urlparse(self.path).path)
        target = (self.site / path.lstrip("/")).resolve()
        if self.site not in target.parents and target != self.site:
            return self._send(404, b"", path)
        if target.is_dir():
            if not path.endswith("/"):
                self.send_response(301)
                self.send_header("Location", path + "/")
                self.end_headers()
                return self._record(path, 301, 0)
            target = target / "index.html"
        if not target.is_file():
            return self._send(404, b"not found", path)
        data = target.read_bytes()
        kind = TYPES.get(target.suffix) or mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        self._send(200, data, path, kind, compress=target.suffix not in COMPRESSED)

    def _send(self, status: int, data: bytes, path: str, kind: str = "text/plain", compress: bool = True):
        body = gzipped(data) if compress and "gzip" in self.headers.get("Accept-Encoding", "") else data
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Cache-Control", "max-age=600")
        if body is not data:
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self._record(path, status, len(body))

    def _record(self, path: str, status: int, size: int):
        referer = self.headers.get("Referer", "")
        self.log.append({"path": path + (("?" + urlparse(self.path).query) if urlparse(self.path).query else ""),
                         "status": status, "bytes": size, "by_worker": referer.endswith("/sw.js")})


@contextlib.contextmanager
def serve(site: Path):
    log: list[dict] = []
    handler = functools.partial(_Handler, site=site.resolve(), log=log)
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{srv.server_address[1]}", log
    finally:
        srv.shutdown()
        srv.server_close()


@contextlib.contextmanager
def chromium():
    from playwright.sync_api import sync_playwright

    exe = shutil.which("chromium")
    if not exe:
        raise SystemExit("weight_bench: Debian's chromium is not installed (make system-deps)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=exe, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


def pages(site: Path) -> tuple[str, str]:
    """A brief page, and an audience view of another brief (not precached): the first in address order."""
    briefs = sorted(p.parent for p in site.glob("briefs/*/index.html") if not p.parent.name.startswith("page-"))
    if len(briefs) < 2:
        raise SystemExit(f"weight_bench: {site} has fewer than two briefs; build the site first")
    views = sorted(p.parent for p in briefs[1].glob("*/index.html"))
    second = views[0] if views else briefs[1]
    return (f"/{briefs[0].relative_to(site).as_posix()}/", f"/{second.relative_to(site).as_posix()}/")


def measure(site: Path) -> dict:
    site = Path(site)
    first, second = pages(site)
    with serve(site) as (base, log), chromium() as browser:
        context = browser.new_context()
        page = context.new_page()
        page.goto(base + first, wait_until="load")
        if (site / "sw.js").is_file():  # a site without a worker (an older build) is measured as it is
            page.evaluate("() => navigator.serviceWorker.ready")
            page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=60_000)
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(500)
        seen = [r for r in log if not r["by_worker"]]
        precache = [r for r in log if r["by_worker"]]
        assets = _first_view_assets(site, seen, page.evaluate("() => document.querySelector('link[rel=manifest]')?.href"))
        del log[:]
        page.goto(base + second, wait_until="load")
        page.wait_for_timeout(300)
        after = [r for r in log if not r["by_worker"]]
        context.close()
        fcp = first_contentful_paint(browser, base + first)
    return {
        "weight.page": first,
        "weight.first_view_bytes_gz": sum(assets.values()),
        "weight.first_view_requests": len(assets),
        "weight.assets": assets,
        "weight.second_page": second,
        "weight.second_page_bytes_gz": sum(r["bytes"] for r in after),
        "weight.second_page_requests": len(after),
        "weight.sw_precache_bytes_gz": sum(r["bytes"] for r in precache),
        "weight.sw_precache_requests": len(precache),
        "weight.sitemap_requests": sum("sitemap" in r["path"] for r in seen + after),
        "weight.not_found": sum(r["status"] == 404 for r in seen + after),
        "weight.fcp_slow3g_ms": fcp,
    }


def _first_view_assets(site: Path, seen: list[dict], manifest_url: str | None) -> dict[str, int]:
    """URL -> gzipped bytes of the first view; the manifest is counted even when the browser has not asked
    for it yet (Chromium fetches it when it checks whether the site can be installed)."""
    assets: dict[str, int] = {}
    for r in seen:
        assets[r["path"]] = assets.get(r["path"], 0) + r["bytes"]
    if manifest_url:
        parsed = urlparse(manifest_url)
        path = parsed.path + (f"?{parsed.query}" if parsed.query else "")
        if path not in assets:
            assets[path] = len(gzipped((site / parsed.path.lstrip("/")).read_bytes()))
    return dict(sorted(assets.items()))


def first_contentful_paint(browser, url: str) -> float:
    context = browser.new_context()
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.send("Network.emulateNetworkConditions", SLOW_3G)
    page.goto(url, wait_until="load", timeout=120_000)
    fcp = page.evaluate("() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1")
    context.close()
    return round(fcp)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--site", type=Path, default=ROOT / "site", help="a built site (default: site/)")
    p.add_argument("--json", help="write the figures as JSON to this file ('-': standard output)")
    args = p.parse_args(argv)
    if not (args.site / "index.html").is_file():
        print(f"weight_bench: no built site in {args.site}: run 'passerelle build' first", file=sys.stderr)
        return 2
    row = measure(args.site)
    if args.json == "-":
        print(json.dumps(row, indent=1))
        return 0
    for key, value in row.items():
        if key != "weight.assets":
            print(f"{key}: {value}")
    for url, size in row["weight.assets"].items():
        print(f"  {size:>7,} B  {url}")
    if args.json:
        Path(args.json).write_text(json.dumps(row, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
