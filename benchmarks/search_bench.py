"""Search index size as the corpus grows (search issue): N bilingual briefs of about 600 words made from
the seed report (English) and the bundled briefs' French sentences, indexed by the real export
(exports/search_index.py, lunr.js under Node), without enrichment tags. Reports, per language, the gzipped
bytes a first search fetches before its first results (client and first tier), with the summaries of the
ten results shown (at worst ten summary shards), the full text (fetched only when the first tier finds
fewer than five briefs), and the index bytes per brief.

    .venv/bin/python benchmarks/search_bench.py [--n 100 1000] [--json PATH] [--browser]

With --material, the same briefs are also built as a plain MkDocs site with Material's default search (one
page per brief and language, search plugin with lang [en, fr]) in the same run, and its index and worker
(what Material fetches on the first search, for both languages at once) are reported beside ours.

With --browser, the files are served on loopback to Debian's Chromium with a page holding the site's search
form, and the bench also reports the gzipped bytes the browser really fetched from focusing the box to the
first results of a one-word query, and the latency of the search itself (median and p95 over one- and
two-word queries, first tier only).
"""
from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(Path(__file__).parent))

import enrich_bench  # noqa: E402
from passerelle.cache import Cache  # noqa: E402
from passerelle.context import SiteContext  # noqa: E402
from passerelle.exports import search_index  # noqa: E402
from passerelle.load import split_sections  # noqa: E402
from passerelle.records import Document, Literature, Project  # noqa: E402


def documents(n: int, seed: int = 1) -> list[Document]:
    rng = random.Random(seed)
    docs = []
    for i, (body, lang) in enumerate(enrich_bench.make_corpus(n, seed)):
        sentences = [s.strip() + "." for s in body.replace("\n", " ").split(". ") if len(s.split()) > 6]
        meta = {"id": f"brief-{i // 2}", "type": "brief", "title": " ".join(rng.choice(sentences).split()[:9]),
                "summary": " ".join(rng.sample(sentences, 2)), "audiences": ["managers"],
                "published": dt.date(2020 + i % 6, 1, 1), "evidence": {"strength": "emerging"}}
        docs.append(Document(f"content/briefs/brief-{i // 2}.{lang}.md", "brief", lang, meta, body, 1,
                             sections=tuple(split_sections(body, 1))))
    return docs


def measure(n: int, browser: bool = False) -> dict:
    docs = documents(n)
    ctx = SiteContext(Project(str(ROOT), tuple(docs), Literature(), (), ()), {}, {})
    start = time.perf_counter()
    assets = list(search_index.generate(ctx, Cache(None)))
    seconds = time.perf_counter() - start
    size = {a.path: (len(a.data), len(gzip.compress(a.data, 9))) for a in assets}
    client = {lang: sum(gz for p, (_, gz) in size.items() if "/assets/search/" in p
                        and (lang == "fr" or not p.endswith("lunr.fr.min.js"))) for lang in ("en", "fr")}
    out = {"n_briefs": n, "search.index_build_s": round(seconds, 2)}
    for lang in ("en", "fr"):
        tier1 = size[f"{lang}/search/tier1.js"][1]
        full = sum(gz for p, (_, gz) in size.items() if p.startswith(f"{lang}/search/full-"))
        summaries = sorted((gz for p, (_, gz) in size.items() if p.startswith(f"{lang}/search/summaries-")), reverse=True)
        raw = sum(r for p, (r, _) in size.items() if p.startswith(f"{lang}/search/"))
        out[f"search.{lang}.client_gz"] = client[lang]
        out[f"search.{lang}.first_tier_gz"] = tier1
        out[f"search.{lang}.full_text_gz"] = full
        out[f"search.{lang}.first_search_gz"] = client[lang] + tier1
        out[f"search.{lang}.with_summaries_gz"] = client[lang] + tier1 + sum(summaries[:10])
        out[f"search.{lang}.index_bytes_per_brief"] = round(raw / n)
        out[f"search.{lang}.index_gz_per_brief"] = round((tier1 + full) / n)
    if browser:
        out.update(in_browser(assets, n))
    return out


PAGE = """<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>bench</title></head><body>
<form class="pa-search" role="search" action="topics/" data-lang="{lang}" data-root="./" data-index="{lang}/search/"
 data-assets="assets/search/"><input type="search" name="q" aria-label="search"></form>
<script>window.loadSearch = function (done) {{
  var files = ["lunr.min.js", "lunr.stemmer.support.min.js"].concat("{lang}" === "fr" ? ["lunr.fr.min.js"] : [], ["pipeline.js", "search.js"]);
  (function next(i) {{ if (i === files.length) {{ PasserelleSearch.start(document.querySelector("form")); PasserelleSearch.ready(done); return; }}
    var s = document.createElement("script"); s.src = "assets/search/" + files[i]; s.onload = function () {{ next(i + 1); }};
    document.head.appendChild(s); }})(0);
}};</script></body></html>"""
QUERIES = {"en": ["settlement", "newcomers", "data", "funding", "language", "rural agencies", "client feedback", "employment"],
           "fr": ["etablissement", "arrivants", "donnees", "financement", "langue", "organismes ruraux", "retroaction", "emploi"]}


def in_browser(assets, n: int) -> dict:
    """Bytes fetched from opening search to the first results, and search latency, in Chromium."""
    import tempfile

    sys.path.insert(0, str(ROOT / "tests"))
    from browser import chromium, serve

    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        for a in assets:
            target = Path(tmp) / a.path.replace("en/assets/", "assets/")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(a.data)
        for lang in ("en", "fr"):
            (Path(tmp) / f"{lang}.html").write_text(PAGE.format(lang=lang), encoding="utf-8")
        with serve(Path(tmp)) as base, chromium() as b:
            for lang in ("en", "fr"):
                page, fetched = b.new_page(), []
                page.on("response", lambda r: fetched.append(len(gzip.compress(r.body(), 6))) if "/search/" in r.url else None)
                page.goto(f"{base}/{lang}.html")
                page.evaluate("() => new Promise(r => loadSearch(r))")
                page.evaluate("q => new Promise(r => PasserelleSearch.results(q, r))", QUERIES[lang][0])
                page.wait_for_load_state("networkidle")
                times = page.evaluate("""qs => { const out = []; for (let k = 0; k < 5; k++) for (const q of qs) {
                    const t0 = performance.now(); PasserelleSearch.results(q, () => {}); out.push(performance.now() - t0); }
                    return out.sort((a, b) => a - b); }""", QUERIES[lang])
                out[f"search.{lang}.browser_first_search_gz"] = sum(fetched)
                out[f"search.{lang}.latency_median_ms"] = round(times[len(times) // 2], 1)
                out[f"search.{lang}.latency_p95_ms"] = round(times[int(len(times) * 0.95) - 1], 1)
                page.close()
    return out


def material_default(docs: list[Document]) -> dict:
    """Material's default search on the same pages: gzipped bytes of its index and worker, built here."""
    import contextlib
    import io
    import tempfile

    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for d in docs:
            page = root / "docs" / d.lang / f"{d.id}.md"
            page.parent.mkdir(parents=True, exist_ok=True)
            page.write_text(f"# {d.title}\n\n{d.summary}\n\n{d.body}", encoding="utf-8")
        (root / "docs" / "index.md").write_text("# Briefs\n", encoding="utf-8")
        (root / "mkdocs.yml").write_text("site_name: bench\ntheme: {name: material, font: false}\nnav: [index.md]\n"
                                         "plugins: [{search: {lang: [en, fr]}}]\n", encoding="utf-8")
        start = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            build(load_config(config_file=str(root / "mkdocs.yml")))
        seconds = time.perf_counter() - start
        index = (root / "site" / "search" / "search_index.json").read_bytes()
        worker = next((root / "site" / "assets" / "javascripts" / "workers").glob("search.*.min.js")).read_bytes()
    return {"material.site_build_s": round(seconds, 2), "material.index_gz": len(gzip.compress(index, 9)),
            "material.first_search_gz": len(gzip.compress(index, 9)) + len(gzip.compress(worker, 9))}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, nargs="+", default=[100, 1000])
    p.add_argument("--json")
    p.add_argument("--browser", action="store_true", help="also measure in Debian's Chromium")
    p.add_argument("--material", action="store_true", help="also build Material's default search on the same pages")
    args = p.parse_args(argv)
    rows = []
    for n in args.n:
        row = measure(n, args.browser)
        if args.material:
            row.update(material_default(documents(n)))
            row["search.en.ratio_to_material"] = round(row["search.en.with_summaries_gz"] / row["material.first_search_gz"], 3)
        rows.append(row)
    keys = list(rows[0])
    print("| " + " | ".join(keys) + " |")
    print("|" + "---|" * len(keys))
    for row in rows:
        print("| " + " | ".join(str(row[k]) for k in keys) + " |")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
