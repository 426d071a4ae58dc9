"""`passerelle build` on the bundled content and on crafted projects: every input accounted for,
both languages, right `lang`, same-origin only, small pages, escaped front matter, reproducible."""
from __future__ import annotations

import html
import hashlib
import json
import re

import pytest
from pathlib import Path

from conftest import REPO, command, copy_project, minimal_brief

EXTERNAL = re.compile(r"<(script|img|iframe|source|audio|video|embed|object)\b[^>]*\b(src|data)=[\"']?(https?:)?//"
                      r"|<link[^>]*rel=[\"']?(stylesheet|preload|preconnect|icon|manifest|modulepreload)[^>]*href=[\"']?(https?:)?//", re.I)


def pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def brief_ids() -> list[str]:
    return sorted({p.name.split(".")[0] for p in (REPO / "content" / "briefs").glob("*.md")})


def test_report_accounts_for_every_input(bundled_site: Path):
    report = json.loads((bundled_site / "site" / "build-report.json").read_text(encoding="utf-8"))
    inputs = sorted(p.relative_to(bundled_site).as_posix() for d in ("content", "literature")
                    for p in (bundled_site / d).rglob("*") if p.is_file())
    assert sorted(report["inputs"]) == inputs
    for path, entry in report["inputs"].items():
        assert entry["status"] == "built" and entry["pages"], path
        for url in entry["pages"]:
            target = bundled_site / "site" / url
            assert (target / "index.html").exists() or target.exists(), (path, url)


def test_every_brief_in_both_languages_with_alternates(bundled_site: Path):
    site = bundled_site / "site"
    assert len(brief_ids()) >= 10
    for bid in brief_ids():
        en = (site / "briefs" / bid / "index.html").read_text(encoding="utf-8")
        fr = (site / "fr" / "briefs" / bid / "index.html").read_text(encoding="utf-8")
        assert '<html lang="en"' in en and '<html lang="fr"' in fr
        assert f'href="../../fr/briefs/{bid}/" hreflang="fr"' in en
        assert f'href="../../../briefs/{bid}/" hreflang="en"' in fr


def test_each_language_has_its_own_not_found_page(bundled_site: Path):
    """The languages build at once, each in its own MkDocs process (sitegen/mkdocs_site.py); each language's
    404 page is at its own address, in its language, and its language switch goes to the other home page."""
    site = bundled_site / "site"
    en, fr = ((site / path).read_text(encoding="utf-8") for path in ("404.html", "fr/404.html"))
    assert '<html lang="en"' in en and '<html lang="fr"' in fr
    for page in (en, fr):
        switch = re.findall(r'<a href="([^"]*)" hreflang="(en|fr)" class="md-select__link"', page)
        assert sorted(lang for _, lang in switch) == ["en", "fr"], switch
        assert all(href in ("/", "/fr/") for href, _ in switch), switch


def test_every_page_declares_its_language(bundled_site: Path):
    site = bundled_site / "site"
    for page in pages(site):
        want = "fr" if (site / "fr") in page.parents else "en"
        head = page.read_text(encoding="utf-8")[:500]
        assert re.search(rf'<html lang="{want}"', head), page.relative_to(site)


def test_nothing_loaded_from_another_origin(bundled_site: Path):
    site = bundled_site / "site"
    for page in pages(site):
        assert not EXTERNAL.search(page.read_text(encoding="utf-8")), page
    for asset in list(site.rglob("*.css")) + list(site.rglob("*.js")):
        text = asset.read_text(encoding="utf-8", errors="replace")
        assert not re.search(r"fonts\.googleapis|fonts\.gstatic|unpkg\.com|cdn\.jsdelivr|cdnjs\.", text), asset


def test_briefs_stay_out_of_the_navigation(bundled_site: Path):
    site = bundled_site / "site"
    home = (site / "index.html").read_text(encoding="utf-8")
    nav_links = re.findall(r'<a href="([^"]*)" class="md-(?:nav|tabs)__link', home)
    assert "briefs/" in nav_links  # the listing page is in the navigation
    assert not [l for l in nav_links if re.search(r"briefs/[a-z0-9-]+/", l)]
    assert max(p.stat().st_size for p in pages(site)) < 150_000


def test_french_interface_and_audience_views(bundled_site: Path):
    site = bundled_site / "site"
    bid = brief_ids()[0]
    fr = (site / "fr" / "briefs" / bid / "index.html").read_text(encoding="utf-8")
    assert "Ce qu'il faut retenir" in fr or "Ce qu&#39;il faut retenir" in fr or "Ce qu&#x27;il faut retenir" in fr
    for audience in ("frontline", "managers", "funders"):
        view = site / "fr" / "briefs" / bid / audience / "index.html"
        assert view.exists() and f'id="{audience}"' in view.read_text(encoding="utf-8")


def test_two_builds_are_byte_identical(tmp_path: Path):
    root = copy_project(REPO, tmp_path / "p")

    def digest() -> dict[str, str]:
        return {p.relative_to(root / "site").as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted((root / "site").rglob("*")) if p.is_file()}

    assert command("build", cwd=root).returncode == 0
    first = digest()
    for d in ("site", "docs_build"):
        import shutil
        shutil.rmtree(root / d)
    assert command("build", cwd=root).returncode == 0
    assert digest() == first


def test_front_matter_is_escaped_in_title_meta_and_headings(project: Path):
    hostile = minimal_brief("en", title="'</title><script>alert(1)</script>'",
                            summary="'x\" onmouseover=\"alert(1)\" data-x=\"'")
    (project / "content/briefs/test-brief.en.md").write_text(hostile, encoding="utf-8")
    r = command("build", cwd=project)
    assert r.returncode == 0, r.stdout + r.stderr
    html = (project / "site/briefs/test-brief/index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)" in html
    assert not _attributes_named(html, "onmouseover")  # the quote did not break out of an attribute
    listing = (project / "site/briefs/index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in listing


def test_missing_translation_gets_a_notice_not_a_swap(project: Path):
    (project / "content/briefs/test-brief.fr.md").unlink()
    r = command("build", cwd=project)
    assert r.returncode == 0, r.stdout + r.stderr
    fr = (project / "site/fr/briefs/test-brief/index.html").read_text(encoding="utf-8")
    assert '<html lang="fr"' in fr and "Pas encore offert en français" in fr
    assert 'href="../../../briefs/test-brief/"' in fr and 'hreflang="en"' in fr
    assert "Many newcomers never reach an agency" not in fr  # the English text is not passed off as French


def test_rejected_brief_is_reported_not_built(project: Path):
    (project / "content/briefs/bad.en.md").write_text("---\ntitle: [\n---\n", encoding="utf-8")
    r = command("build", cwd=project)
    assert r.returncode == 1
    report = json.loads((project / "site/build-report.json").read_text(encoding="utf-8"))
    entry = report["inputs"]["content/briefs/bad.en.md"]
    assert entry["status"] == "rejected" and entry["diagnostics"][0]["line"] == 2
    assert report["inputs"]["content/briefs/test-brief.en.md"]["status"] == "built"


def _attributes_named(html: str, name: str) -> list[str]:
    from html.parser import HTMLParser

    found: list[str] = []

    class Attrs(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.extend(tag for key, _ in attrs if key == name)

    Attrs().feed(html)
    return found


def test_images_from_content_media_are_published_beside_the_brief(project: Path):
    png = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201ffa1d4a8e00000000049454e44ae426082")
    (project / "content/media").mkdir()
    (project / "content/media/chart.png").write_bytes(png)
    text = minimal_brief("en").replace("## What did they find? {#findings}\n\n", "## What did they find? {#findings}\n\n![A chart of service use](../media/chart.png)\n\n")
    (project / "content/briefs/test-brief.en.md").write_text(text, encoding="utf-8")
    r = command("build", cwd=project)
    assert r.returncode == 0, r.stdout + r.stderr
    html = (project / "site/briefs/test-brief/index.html").read_text(encoding="utf-8")
    src = re.search(r'<img alt="A chart of service use" src="([^"]+)"', html).group(1)
    assert (project / "site/briefs/test-brief" / src).resolve().read_bytes() == png
    report = json.loads((project / "site/build-report.json").read_text(encoding="utf-8"))
    assert report["inputs"]["content/media/chart.png"] == {"status": "built", "pages": ["fr/media/chart.png", "media/chart.png"]}


def test_feedback_links_open_prefilled_forms_when_the_repository_is_known(project: Path):
    import os
    import subprocess

    from conftest import BIN

    env = {**os.environ, "REPO_URL": "https://github.com/example-org/hub"}
    r = subprocess.run([str(BIN / "passerelle"), "build"], cwd=project, capture_output=True, text=True, env=env, timeout=900)
    assert r.returncode == 0, r.stdout + r.stderr
    en = (project / "site/briefs/test-brief/managers/index.html").read_text(encoding="utf-8")
    fr = (project / "site/fr/briefs/test-brief/index.html").read_text(encoding="utf-8")
    base = "https://github.com/example-org/hub/issues/new?template="
    assert f'href="{base}correction.yml&amp;page=test-brief">Suggest a change</a>' in en
    assert f'href="{base}feedback.yml&amp;page=test-brief">' in en
    assert f'href="{base}correction.yml&amp;page=test-brief">Signaler une erreur</a>' in fr
    listing = (project / "site/briefs/index.html").read_text(encoding="utf-8")
    assert '<h2 id="y2026">2026' in listing  # the full list is grouped by year


@pytest.mark.parametrize("title", ["Plain", "Colon: then text", "'quoted' and \"double\"", "  leading spaces",
                                   "line\u2028separator and next\u0085line", "tab\there", "émoji 🌍 — «guillemets»",
                                   "# not a comment", "- not a list", "yes", "null", "1e3", "x" * 1500])
def test_front_matter_reads_back_as_written(title):
    """The docs tree's front matter (libyaml's emitter when present) gives MkDocs back every title exactly."""
    import yaml

    from passerelle.records import PageInfo
    from passerelle.sitegen.mkdocs_site import front_matter

    text = front_matter(PageInfo(title, description=title))
    meta = yaml.safe_load(text.split("---\n")[1])
    assert meta["title"] == html.escape(title, quote=True) and meta["description"] == html.escape(" ".join(title.split()), quote=True)
