"""Material's stylesheet without the rules no page can use (offline issue: a brief's first view stays under
70 KB gzipped; the stylesheet is a third of it). A rule goes only when one of its selectors' classes
appears in no published page and in no script that could add it (Material's bundle, the search client,
offline.js): code blocks, content tabs, Material's own search, tooltips, the blog... Classes inside
``:not(…)`` never decide. Computed from the built site on every build, so a new template or page keeps
what it uses; at-rules without selectors (fonts, keyframes, properties) stay as they are."""
from __future__ import annotations

import re
from pathlib import Path

from .incremental import FileMemo

CLASS_ATTR = re.compile(r'class="([^"]*)"')
WORD = re.compile(r"[A-Za-z_][\w-]*")
SELECTOR_CLASS = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
NOT = re.compile(r":not\([^()]*\)")
SELECTOR_LIST = re.compile(r",(?![^()]*\))")
NESTED = ("@media", "@supports", "@container", "@layer")


def slim_stylesheets(site: Path, memo: FileMemo | None = None) -> None:
    """Slim from Material's own copy, not the site's: a dirty build leaves the slimmed file in place, and a
    page it renders may use a rule the last build dropped. ``memo``: the classes of files read before."""
    import material

    theme = Path(material.__file__).parent / "templates" / "assets" / "stylesheets"
    used = used_classes(site, memo or FileMemo())
    for css in sorted((site / "assets" / "stylesheets").glob("main.*.min.css")):
        source = theme / css.name
        text = (source if source.is_file() else css).read_text(encoding="utf-8")
        css.write_text(without_unused(text, used), encoding="utf-8")


def used_classes(site: Path, memo: FileMemo) -> set[str]:
    used: set[str] = set()
    for page in site.rglob("*.html"):
        used.update(memo.value(page, page.relative_to(site).as_posix(), _page_classes).split())
    for script in (site / "assets").rglob("*.js"):
        used.update(memo.value(script, script.relative_to(site).as_posix(), _script_words).split())
    return used


def _page_classes(page: Path) -> str:
    return " ".join(sorted({c for m in CLASS_ATTR.finditer(page.read_text(encoding="utf-8")) for c in m.group(1).split()}))


def _script_words(script: Path) -> str:
    return " ".join(sorted(set(WORD.findall(script.read_text(encoding="utf-8")))))


def without_unused(css: str, used: set[str]) -> str:
    out = []
    for prelude, body in _blocks(css):
        head = prelude.strip()
        if body is None:
            out.append(prelude)
        elif head.startswith(NESTED):
            inner = without_unused(body, used)
            if inner.strip():
                out.append(f"{prelude}{{{inner}}}")
        elif head.startswith("@"):
            out.append(f"{prelude}{{{body}}}")
        else:
            kept = [s for s in SELECTOR_LIST.split(prelude) if set(SELECTOR_CLASS.findall(NOT.sub("", s))) <= used]
            if kept:
                out.append(",".join(kept) + "{" + body + "}")
    return "".join(out)


def _blocks(css: str) -> list[tuple[str, str | None]]:
    """Top-level (prelude, body) pairs; a trailing text without braces comes with ``None``."""
    out: list[tuple[str, str | None]] = []
    i = 0
    while i < len(css):
        start = css.find("{", i)
        if start < 0:
            out.append((css[i:], None))
            break
        depth, k = 0, start
        while k < len(css):
            if css[k] == "{":
                depth += 1
            elif css[k] == "}":
                depth -= 1
                if depth == 0:
                    break
            k += 1
        if k >= len(css):  # unbalanced: keep the rest untouched
            out.append((css[i:], None))
            break
        out.append((css[i:start], css[start + 1:k]))
        i = k + 1
    return out
