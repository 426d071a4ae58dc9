"""Serve a built site on loopback and drive Debian's Chromium through Playwright (no browser download)."""
from __future__ import annotations

import contextlib
import functools
import http.server
import shutil
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve(root: Path):
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root)))
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{srv.server_address[1]}"
    finally:
        srv.shutdown()
        srv.server_close()


@contextlib.contextmanager
def chromium():
    exe = shutil.which("chromium")
    if not exe:
        pytest.fail("Debian's chromium is not installed: run 'make system-deps'")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=exe, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


def record_outside_requests(page, base: str) -> list[str]:
    """Every request the page makes to another origin (data: and blob: are local)."""
    outside: list[str] = []
    host = urlparse(base).netloc
    page.on("request", lambda r: outside.append(r.url)
            if not r.url.startswith(("data:", "blob:")) and urlparse(r.url).netloc != host else None)
    return outside
