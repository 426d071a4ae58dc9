"""The `passerelle` command. Exit codes: 0 clean (warnings allowed), 1 problems in the input, 2 misuse."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import report

PROJECT_MARKERS = ("mkdocs.yml", "content", "literature")


def project_root(arg: str | None) -> Path:
    root = Path(arg or ".").resolve()
    missing = [m for m in PROJECT_MARKERS if not (root / m).exists()]
    if missing:
        raise SystemExit(_misuse(f"{root} is not a Passerelle project (no {', '.join(missing)})",
                                 "run the command from a folder holding mkdocs.yml, content/ and literature/, or pass --root"))
    return root


def _misuse(message: str, hint: str) -> int:
    print(f"passerelle: error: {message}\n    hint: {hint}", file=sys.stderr)
    return 2


def cmd_check(args) -> int:
    from .build import check

    checked = check(project_root(args.root))
    print(report.FORMATS[args.format](checked.project, checked.diagnostics))
    return 1 if report.errors(checked.diagnostics) else 0


def cmd_build(args) -> int:
    from .build import build
    from .sitegen import BuildError

    from .enrich import EnrichError
    from .vocabulary import VocabularyError

    root = project_root(args.root)
    try:
        result = build(root)
    except BuildError as exc:
        print(f"passerelle: the site generator refused the pages:\n{exc}", file=sys.stderr)
        return 1
    except (EnrichError, VocabularyError) as exc:
        d = exc.diagnostic
        print(f"{d.path}:{d.line}:{d.col}: {d.severity}: {d.message} [{d.code}]\n    hint: {d.hint}", file=sys.stderr)
        return 1
    print(report.as_text(result.checked.project, result.checked.diagnostics))
    c = result.report["counts"]
    print(f"built {c['pages']} pages from {c['inputs']} inputs ({c['rejected']} rejected) — open {root / 'site' / 'index.html'}"
          f" or run: passerelle serve")
    return 1 if report.errors(result.checked.diagnostics) else 0


def cmd_serve(args) -> int:
    """Serve the built site on loopback (the site also opens from files, but search needs http)."""
    import functools
    import http.server

    site = project_root(args.root) / "site"
    if not (site / "index.html").exists():
        return _misuse("no built site", "run 'passerelle build' first")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    with http.server.ThreadingHTTPServer(("127.0.0.1", args.port), handler) as httpd:
        print(f"serving {site} at http://127.0.0.1:{httpd.server_address[1]}/ — Ctrl+C to stop")
        try:
            httpd.serve_forever()
        except KeyboardInterrupt:
            pass
    return 0


def cmd_new(args) -> int:
    import datetime as dt
    import re

    from . import settings

    root = project_root(args.root)
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", args.id):
        return _misuse(f"'{args.id}' is not a valid id", "use lowercase letters, digits and hyphens, e.g. newcomer-outreach")
    target = root / "content" / f"{args.kind}s" / f"{args.id}.{args.lang}.md"
    if target.exists():
        return _misuse(f"{target.relative_to(root)} already exists", "choose another id or edit the existing file")
    text = settings.scaffold(args.kind, args.lang)
    text = text.replace("{id}", args.id).replace("{title}", "").replace("{summary}", "").replace("{sources}", "")
    text = text.replace("{published}", dt.date.today().isoformat())
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    print(f"wrote {target.relative_to(root)} — fill in each section, then run: passerelle check")
    return 0


def _enrich(args) -> int:
    from .enrich import enrich_cli

    return enrich_cli(args.path, args.lang, args.format)


def cmd_bench(args) -> int:
    """Benchmarks live in the repository's benchmarks/ (they read the seed documents beside it)."""
    import importlib.util

    script = project_root(args.root) / "benchmarks" / "enrich_bench.py"
    if not script.exists():
        return _misuse("no benchmarks/enrich_bench.py here", "run 'passerelle bench' from the Passerelle repository")
    spec = importlib.util.spec_from_file_location("enrich_bench", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.main(["--n", str(args.n)] + (["--json", args.json] if args.json else []))


def cmd_links(args) -> int:
    from .linkcheck import check_site

    site = project_root(args.root) / "site"
    if not (site / "index.html").exists():
        return _misuse("no built site", "run 'passerelle build' first")
    result = check_site(site)
    for p in result.problems:
        print(f"site/{p.page}: broken link {p.url} ({p.reason})")
    print(f"{len(result.problems)} broken of {result.internal} internal links ({result.anchors} with anchors) "
          f"on {result.pages} pages; {result.external} external links not fetched")
    return 1 if result.problems else 0


def cmd_import(args) -> int:
    from .importer import import_cli

    return import_cli(args)


def cmd_report(args) -> int:
    from .authoring import author_report
    from .build import check

    root = project_root(args.root)
    checked = check(root)
    print(author_report(root, checked.project, checked.diagnostics))
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="passerelle", description="Plain-language, bilingual research briefs for the settlement sector.")
    sub = p.add_subparsers(dest="command", required=True)

    c = sub.add_parser("check", help="validate content/ and literature/")
    c.add_argument("--format", choices=sorted(report.FORMATS), default="text")
    c.add_argument("--root")
    c.set_defaults(func=cmd_check)

    b = sub.add_parser("build", help="check, then build the bilingual site into site/")
    b.add_argument("--root")
    b.set_defaults(func=cmd_build)

    s = sub.add_parser("serve", help="serve site/ on 127.0.0.1")
    s.add_argument("--port", type=int, default=8000)
    s.add_argument("--root")
    s.set_defaults(func=cmd_serve)

    n = sub.add_parser("new", help="scaffold a brief with every section")
    n.add_argument("kind", choices=["brief"])
    n.add_argument("--id", required=True)
    n.add_argument("--lang", choices=["en", "fr"], required=True)
    n.add_argument("--root")
    n.set_defaults(func=cmd_new)

    e = sub.add_parser("enrich", help="tags, places, organisations, acronyms and readability of any text")
    e.add_argument("path", help="a Markdown or text file, or - for standard input")
    e.add_argument("--lang", choices=["en", "fr"], required=True)
    e.add_argument("--format", choices=["json", "text"], default="json")
    e.set_defaults(func=lambda a: _enrich(a))

    bn = sub.add_parser("bench", help="enrichment benchmark: throughput ratio against raw spaCy, and incremental rebuilds")
    bn.add_argument("--n", type=int, default=100, help="bilingual briefs to generate (2N documents)")
    bn.add_argument("--json", nargs="?", const="-", default=None, metavar="PATH")
    bn.add_argument("--root")
    bn.set_defaults(func=cmd_bench)

    lk = sub.add_parser("links", help="check every internal link and anchor of the built site, offline")
    lk.add_argument("--root")
    lk.set_defaults(func=cmd_links)

    i = sub.add_parser("import", help="turn a report (.docx, .odt, .html) into a draft brief")
    i.add_argument("path")
    i.add_argument("--key", help="BibTeX key of the report in literature/")
    i.add_argument("--lang", choices=["en", "fr"])
    i.add_argument("--id")
    i.add_argument("--root")
    i.set_defaults(func=cmd_import)

    r = sub.add_parser("report", help="Markdown report for authors: suggested tags, readability per audience, translations")
    r.add_argument("--root")
    r.set_defaults(func=cmd_report)

    from . import forms

    f = sub.add_parser("form", help="turn an issue-form submission into a brief")
    forms.configure(f)
    f.set_defaults(func=forms.run)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except SystemExit as exc:
        return int(exc.code or 0)
    except BrokenPipeError:  # output piped into `head` and the like: not an error
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - keeps Python quiet at exit
        return 0
    except Exception as exc:  # noqa: BLE001 - the promise is: no traceback reaches the user
        if os.environ.get("PASSERELLE_DEBUG"):
            raise
        print(f"passerelle: internal error: {type(exc).__name__}: {exc}\n"
              "    hint: this is a bug in Passerelle, not in your content; please report it with the command you ran "
              "(set PASSERELLE_DEBUG=1 to see the details)", file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())
