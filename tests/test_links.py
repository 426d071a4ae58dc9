"""Internal links and anchors of the built site, read from the HTML readers get (both languages)."""
from __future__ import annotations

from pathlib import Path

from passerelle.linkcheck import LinkProblem, check_site


def test_bundled_site_has_no_broken_internal_link_or_anchor(bundled_site: Path):
    site = bundled_site / "site"
    report = check_site(site)
    assert report.problems == []
    pages = {p.relative_to(site).as_posix() for p in site.rglob("*.html")}
    assert report.pages == len(pages) and any(p.startswith("fr/") for p in pages)
    assert report.internal > report.pages and report.anchors > 0  # every page links to the nav and its own headings
    print(f"\nlinks: {report.pages} pages, {report.internal} internal links ({report.anchors} with anchors), "
          f"{report.external} external links counted, {len(report.problems)} broken")


def _site(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


def test_checker_catches_broken_links_and_anchors(tmp_path: Path):
    site = _site(tmp_path, {
        "index.html": '<a href="a/">ok</a> <a href="a/#part">ok</a> <a href="a/#gone">bad anchor</a>'
                      '<a href="missing/">bad dir</a> <img src="pic.png"> <a href="https://example.org/">out</a>'
                      '<a href="mailto:x@example.org">mail</a> <a href="#top">self</a> <p id="top"></p>'
                      '<script src="assets/app.js"></script> <link rel="stylesheet" href="assets/missing.css">'
                      '<a href="../../etc/passwd">escape</a> <a href="javascript:void(0)">js</a>',
        "a/index.html": '<h2 id="part">Part</h2><a name="legacy"></a><a href="../index.html#legacy-missing">x</a>'
                        '<a href="/a/#legacy">root-relative</a>',
        "assets/app.js": "",
    })
    report = check_site(site)
    found = {(p.page, p.url) for p in report.problems}
    assert found == {("index.html", "a/#gone"), ("index.html", "missing/"), ("index.html", "pic.png"),
                     ("index.html", "assets/missing.css"), ("index.html", "../../etc/passwd"),
                     ("index.html", "javascript:void(0)"), ("a/index.html", "../index.html#legacy-missing")}
    assert LinkProblem("index.html", "a/#gone", "no id 'gone' in a/index.html") in report.problems
    assert report.external == 1 and report.pages == 2
