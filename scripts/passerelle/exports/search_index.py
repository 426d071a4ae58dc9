"""Search in the reader's language: one prebuilt lunr index per language, in two tiers, shipped as script
files that register themselves (so they load over http and from ``file://`` alike), with the search
client and lunr itself served from the site's own origin.

- Tier 1 (loaded when the reader first focuses the search box): the index of title, tags, concepts,
  summary and key messages of every brief and pilot, and what a result needs at once (title, address,
  language, facets).
- Summaries, shown under each result, in shards of ``SUMMARY_SHARD_SIZE`` loaded for the results shown.
- Full text (loaded only when tier 1 finds little), in shards of ``SHARD_SIZE`` documents.
- A document missing in a language is indexed there too, in its own language, and marked so: a French
  query for a concept also lists English-only briefs, linking to the French notice page.

Indexes are built by lunr.js under Node (``scripts/search/build-index.js``) with the same lunr-languages
stemmers and the same pipeline (``scripts/search/src/pipeline.js``) the browser loads, through the cache."""
from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from .. import cache, readability, settings, urls
from ..context import SiteContext
from ..kinds import KINDS, ContentKind
from ..records import DEFAULT_LANG, LANGS, Asset, Document
from ..vocabulary import load_vocabulary

CACHE_SUFFIX = ".json"
INDEX_VERSION = "1"  # bump when the documents or the pipeline change meaning for the same input
STORED_FORM = "compact-sorted"  # how a built index is kept: the very text its script file holds
INDEX_MARK = "\0passerelle-index\0"  # where ``_script`` puts an index in its file's JSON
NODE_TIMEOUT = 1800  # seconds for one run of build-index.js
BUG_HINT = "this is a bug in Passerelle; please report it with the message"
SHARD_SIZE = 100  # documents per full-text shard
SUMMARY_SHARD_SIZE = 20  # summaries per shard: the ten results shown fetch at most ten small files
TIER1_FIELDS = [["title", 10], ["tags", 6], ["concepts", 6], ["summary", 4], ["keys", 3]]
FULL_FIELDS = [["body", 1]]
PASSAGE_CHARS = 4000  # text kept per document for showing the matching passage
SEARCH_DIR = Path(os.environ.get("PASSERELLE_SEARCH_DIR") or Path(__file__).resolve().parents[2] / "search")
CLIENT = {  # published name -> file under scripts/search/
    "lunr.min.js": "node_modules/lunr/lunr.min.js",
    "lunr.stemmer.support.min.js": "node_modules/lunr-languages/min/lunr.stemmer.support.min.js",
    "lunr.fr.min.js": "node_modules/lunr-languages/min/lunr.fr.min.js",
    "pipeline.js": "src/pipeline.js",
    "search.js": "src/search.js",
}
UI_STRINGS = ("search_label", "search_placeholder", "search_results_label", "search_loading", "search_full_text",
              "search_none", "search_count", "search_count_one", "search_type_more", "search_other_language",
              "search_all", "search_clear", "facet_audience", "facet_topic", "facet_region", "facet_kind",
              "facet_evidence", "facet_year")


class SearchIndexError(Exception):
    """The search indexes could not be built (Node or the locked npm packages missing); says how to fix it."""

    def __init__(self, message: str, hint: str):
        super().__init__(f"{message}\n    hint: {hint}")


def generate(ctx: SiteContext, store: cache.Cache) -> Iterator[Asset]:
    """One language after the other, each index file yielded as made: the indexes stay the JSON text Node
    and the cache give, never parsed (all of them parsed at once were most of this export's peak memory)."""
    for lang in LANGS:
        yield from _language(ctx, lang, store)
    yield from _client()


def _language(ctx: SiteContext, lang: str, store: cache.Cache) -> Iterator[Asset]:
    """The language's index files. Its full text is read per shard (from the cache of ``_plain_parts``) when a
    shard's request or file is made, never held whole: at 10,000 briefs it was most of the export's memory."""
    entries = _entries(ctx, lang, store)
    shards = _shards(entries)
    requests = [functools.partial(_tier1_request, lang, entries)]
    requests += [functools.partial(_full_request, lang, shard, store) for shard in shards]
    built = _built_indexes(requests, store)
    digest = hashlib.sha256()

    def counted(asset: Asset) -> Asset:
        digest.update(asset.path.encode("utf-8") + b"\0" + asset.data)
        return asset

    yield counted(_script(lang, "tier1", _tier1(ctx, lang, entries), next(built)))
    for n, shard in enumerate(shards, 1):
        texts = {e["tier1"]["id"]: _passage(*_plain_parts(e["doc"], store)) for e in shard}
        yield counted(_script(lang, f"full-{n}", {"texts": texts}, next(built)))
    for n, shard in enumerate(_shards(entries, SUMMARY_SHARD_SIZE), 1):
        yield counted(_script(lang, f"summaries-{n}", {e["tier1"]["id"]: e["doc"].summary for e in shard}))
    yield _version(lang, digest)


def _tier1_request(lang: str, entries: list[dict]) -> dict:
    return {"lang": lang, "fields": TIER1_FIELDS, "docs": [e["tier1"] for e in entries]}


def _full_request(lang: str, shard: list[dict], store: cache.Cache) -> dict:
    docs = [{"id": e["tier1"]["id"], "body": _plain_parts(e["doc"], store)[1]} for e in shard]
    return {"lang": lang, "fields": FULL_FIELDS, "docs": docs}


def _passage(keys: str, body: str) -> str:
    """The text kept for showing where a full-text match is."""
    return (keys + " " + body)[:PASSAGE_CHARS]


def _version(lang: str, digest) -> Asset:
    """``version.js``: a hash of the language's index files (``digest``: their paths and bytes, in order),
    which search.js loads first and then names every index file with (``?v=``). Pages do not carry it, so
    editing one brief re-renders that brief's pages only."""
    return Asset(urls.source(lang, "search", "version.js"),
                 f'PasserelleSearch.register("version","{digest.hexdigest()[:16]}");\n'.encode("utf-8"))


def _shards(entries: list[dict], size: int = SHARD_SIZE) -> list[list[dict]]:
    return [entries[i:i + size] for i in range(0, len(entries), size)]


def _script(lang: str, name: str, data: dict, index: str | None = None) -> Asset:
    """An index file as a script that registers itself: ``fetch`` of JSON is refused from ``file://``. An
    ``index`` (compact JSON, sorted keys) goes in as ``data["index"]`` without being parsed."""
    body = _json({**data, "index": INDEX_MARK} if index is not None else data)
    if index is not None:
        head, mark, tail = body.partition(json.dumps(INDEX_MARK))
        unique = mark and json.dumps(INDEX_MARK) not in tail
        body = head + index + tail if unique else _json({**data, "index": json.loads(index)})  # a text was the mark
    text = f'PasserelleSearch.register("{name}",{body});\n'
    return Asset(urls.source(lang, "search", f"{name}.js"), text.encode("utf-8"))


def _json(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def _client() -> list[Asset]:
    out = []
    for name, rel in CLIENT.items():
        path = SEARCH_DIR / rel
        if not path.is_file():
            raise SearchIndexError(f"the search client file {path} is missing",
                                   "run 'make install' (it runs 'npm ci --prefix scripts/search')")
        out.append(Asset(urls.source(DEFAULT_LANG, "assets", "search", name), path.read_bytes()))
    return out


# ---------------------------------------------------------------- documents


def _plain(markdown: str) -> str:
    return readability.to_plain(markdown).text.replace("\n\n", " ")


def _plain_parts(doc: Document, store: cache.Cache) -> tuple[str, str]:
    """A document's key messages and the rest of its sections as plain text, cached by its Markdown (the
    plain text of two thousand documents is most of the export's own time)."""
    def make() -> bytes:
        keys = _plain(doc.section("key-messages"))
        body = " ".join(_plain(s.body) for s in doc.sections if s.id != "key-messages")
        return json.dumps([keys, body], ensure_ascii=False).encode("utf-8")

    keys, body = json.loads(store.get_or_make(cache.key("plain", INDEX_VERSION, doc.kind, doc.body), make))
    return keys, body


def _entries(ctx: SiteContext, lang: str, store: cache.Cache) -> list[dict]:
    """One entry per document id of every kind, in this language or else in the language it exists in."""
    labels = _labels(lang)
    out = []
    for kind in KINDS:
        for doc_id, langs in ctx.documents(kind).items():
            doc = langs.get(lang) or next(iter(langs.values()))
            out.append(_entry(ctx, kind, doc, lang, labels, _plain_parts(doc, store)[0]))
    return out


def _entry(ctx: SiteContext, kind: ContentKind, doc: Document, lang: str, labels: dict[str, str], keys: str) -> dict:
    """What tier 1 indexes and a result shows (``keys``: the key messages as plain text); the full text is
    read again per shard (``_full_request``)."""
    ref = f"{kind.name}:{doc.id}"
    tags = ctx.extra(doc).tags
    return {
        "tier1": {"id": ref, "title": doc.title, "summary": doc.summary, "keys": keys,
                  "tags": " ".join(labels.get(t.id, t.label) for t in tags),
                  "concepts": " ".join(concept_token(t.id) for t in tags)},
        "doc": doc, "kind": kind, "lang": lang,
    }


def concept_token(concept_id: str) -> str:
    """A concept as one indexed word that no ordinary word matches."""
    return "concept" + re.sub(r"[^a-z0-9]", "", concept_id.lower())


def _labels(lang: str) -> dict[str, str]:
    return {c.id: c.labels.get(lang, c.id) for c in load_vocabulary().concepts}


# ---------------------------------------------------------------- tier 1: what results show


def _tier1(ctx: SiteContext, lang: str, entries: list[dict]) -> dict:
    docs = {e["tier1"]["id"]: {**_shown(ctx, e), "n": i // SUMMARY_SHARD_SIZE + 1} for i, e in enumerate(entries)}
    used = {t for e in entries for t in (e["tier1"]["concepts"].split())}
    return {"docs": docs, "shards": len(_shards(entries)), "lang": lang,
            "concepts": _synonyms(used), "facets": _facet_labels(ctx, lang),
            "strings": {k: settings.text(lang, k) for k in UI_STRINGS}}


def _shown(ctx: SiteContext, entry: dict) -> dict:
    """What a result needs at once: title, address, the document's language, and its facets (audience
    views are ``<address><audience>/`` for documents in the index's language); ``n`` (added by the caller)
    is the shard of its summary."""
    doc, kind, lang = entry["doc"], entry["kind"], entry["lang"]
    extra = ctx.extra(doc)
    return {"t": doc.title, "u": urls.in_language(urls.document(kind, lang, doc.id)), "l": doc.lang,
            "f": {"audience": ctx.audience_parts(doc) if kind.audience_parts else [],
                  "topic": [t.id for t in extra.topics], "region": [t.id for t in extra.regions],
                  "kind": [kind.name], "evidence": [doc.evidence_strength] if doc.evidence_strength else [],
                  "year": [str(doc.published.year)] if doc.published else []}}


def _synonyms(used: set[str]) -> dict[str, str]:
    """Every term and label of the concepts present, in both languages, folded -> concept token."""
    out: dict[str, str] = {}
    for c in load_vocabulary().concepts:
        token = concept_token(c.id)
        if token in used:
            for lang in LANGS:
                for term in (*c.terms.get(lang, ()), c.labels.get(lang, "")):
                    if term.strip():
                        out.setdefault(fold(term), token)
    return dict(sorted(out.items()))


def fold(text: str) -> str:
    """As the client folds: accents removed, lower case, spaces collapsed."""
    decomposed = unicodedata.normalize("NFD", text)
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).lower().split())


def _facet_labels(ctx: SiteContext, lang: str) -> dict[str, dict[str, str]]:
    model, labels = ctx.model, _labels(lang)
    return {
        "audience": {a: spec.heading[lang] for a, spec in model.audiences.items()},
        "topic": labels, "region": labels,
        "kind": {k.name: settings.text(lang, f"kind_{k.name}") for k in KINDS},
        "evidence": {k: level.label(lang) for k, level in model.evidence_strength.items()},
        "year": {},
    }


# ---------------------------------------------------------------- lunr under Node, through the cache


def _built_indexes(requests: list[Callable[[], dict]], store: cache.Cache) -> Iterator[str]:
    """Each index (tier 1 of a language, or one full-text shard) as compact JSON with sorted keys, in the order
    of ``requests`` (each makes its request to build-index.js when called), one at a time: from the cache, or
    from Node as it writes them. Each is cached on its own: after one edit, Node rebuilds only the indexes
    holding that document, in one run. Requests are made again for Node rather than kept."""
    tools = "".join((SEARCH_DIR / f).read_text(encoding="utf-8") for f in ("build-index.js", "src/pipeline.js",
                                                                             "package-lock.json")
                    if (SEARCH_DIR / f).is_file())
    addresses = [cache.key(INDEX_VERSION, STORED_FORM, tools, json.dumps(request(), ensure_ascii=False, sort_keys=True))
                 for request in requests]
    missing = [i for i, a in enumerate(addresses) if not store.has(a)]
    built = _run_node(requests[i]() for i in missing) if missing else iter(())
    rebuilt = set(missing)
    for i, address in enumerate(addresses):
        if i not in rebuilt:
            yield (store.get(address) or b"").decode("utf-8")
            continue
        index = next(built, None)
        if index is None:
            raise SearchIndexError("build-index.js gave fewer indexes than it was asked for", BUG_HINT)
        compact = json.dumps(json.loads(index), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        store.put(address, compact.encode("utf-8"))
        yield compact
    if next(built, None) is not None:
        raise SearchIndexError("build-index.js gave more indexes than it was asked for", BUG_HINT)


def _run_node(specs: Iterable[dict]) -> Iterator[str]:
    """Each index's JSON as Node writes it, one line per index: Python parses one at a time. Node takes one of
    the process's outside runs and the large one (``cache.outside_run``), as an e-book volume in pandoc does: at
    10,000 briefs tier 1 is an index of 11,000 documents (Node 183 MB; 521 MB when lunr.Builder counted it)."""
    node = shutil.which("node")
    if node is None:
        raise SearchIndexError("Node.js is needed to build the search indexes", "install it: apt-get install nodejs npm")
    if not (SEARCH_DIR / "node_modules" / "lunr").is_dir():
        raise SearchIndexError("lunr is not installed for the search indexes",
                               "run 'make install' (it runs 'npm ci --prefix scripts/search')")
    with cache.outside_run(large=True), tempfile.TemporaryFile() as errors, subprocess.Popen(
            [node, "--expose-gc", str(SEARCH_DIR / "build-index.js")], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errors,
            cwd=SEARCH_DIR) as proc:
        watchdog = threading.Timer(NODE_TIMEOUT, proc.kill)
        watchdog.start()
        try:
            threading.Thread(target=_send, args=(proc.stdin, specs), daemon=True).start()
            yield from (line.decode("utf-8") for line in proc.stdout)
            proc.wait()
        finally:
            watchdog.cancel()
        if proc.returncode:
            errors.seek(0)
            raise SearchIndexError(f"building the search indexes failed: {errors.read().decode('utf-8', 'replace')[-500:]}",
                                   BUG_HINT)


def _send(pipe, specs: Iterable[dict]) -> None:
    """The requests to Node, one per line (JSON in ASCII: no line break but the last), each made as it is
    sent, from a thread: Node answers each before it reads the next."""
    with contextlib.suppress(BrokenPipeError), pipe:  # Node ended early: its error is read from stderr
        for spec in specs:
            pipe.write(json.dumps(spec).encode("ascii") + b"\n")
