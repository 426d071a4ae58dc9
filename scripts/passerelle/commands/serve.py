"""`passerelle serve`: the built site on loopback, as a web server would publish it (it also opens from files)."""
from __future__ import annotations

import functools
import http.server

from .common import add_root, misuse, project_root

NAME = "serve"
HELP = "serve site/ on 127.0.0.1"


def configure(parser) -> None:
    parser.add_argument("--port", type=int, default=8000)
    add_root(parser)


def run(args) -> int:
    from ..build import SITE_DIR

    site = project_root(args.root) / SITE_DIR
    if not (site / "index.html").exists():
        return misuse("no built site", "run 'passerelle build' first")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    with http.server.ThreadingHTTPServer(("127.0.0.1", args.port), handler) as httpd:
        print(f"serving {site} at http://127.0.0.1:{httpd.server_address[1]}/ — Ctrl+C to stop")
        try:
            httpd.serve_forever()
        except KeyboardInterrupt:
            pass
    return 0
