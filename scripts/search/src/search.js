/* Passerelle's search client: per-language prebuilt lunr indexes, loaded only when the reader opens search.
 * Loaded (with lunr, lunr-languages and pipeline.js) by the small loader in the page header, which then
 * calls PasserelleSearch.start(form). Index files are scripts that call PasserelleSearch.register(name, data),
 * so search works over http and from file:// alike. Nothing here writes HTML from data: text goes through
 * textContent, so a brief's title or a query can never become markup. */
(function () {
  "use strict";
  var FACETS = ["audience", "topic", "region", "kind", "evidence", "year"];
  var MAX_QUERY = 200;        /* characters searched: a pasted page must not freeze the tab */
  var FEW = 5;                /* fewer tier-1 results than this: the full text is searched too */
  var FULL_WEIGHT = 0.5;      /* full-text matches rank below title, summary, key messages and tags */
  var PREFIX_MIN = 3;         /* a word being typed matches as a prefix from this many letters */
  var SUMMARIES_SHOWN = 10;   /* results whose summaries are fetched at once */
  var waiting = {}, loaded = {};
  var P = null;               /* PasserelleLunr(lunr): the shared pipeline */
  var S = null;               /* the search state of this page */

  function register(name, data) {
    loaded[name] = data;
    (waiting[name] || []).forEach(function (fn) { fn(data); });
    delete waiting[name];
  }

  function load(name, then) {
    if (name !== "version" && !S.version) {  /* version.js first: it names this publish's index files */
      load("version", function (v) { S.version = v; load(name, then); });
      return;
    }
    if (loaded[name]) { then(loaded[name]); return; }
    if (waiting[name]) { waiting[name].push(then); return; }
    waiting[name] = [then];
    var script = document.createElement("script");
    script.src = S.indexBase + name + ".js" + (name !== "version" ? "?v=" + S.version : "");  // one address per published version
    script.async = true;
    document.head.appendChild(script);
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text) node.textContent = text;
    return node;
  }

  /* ------------------------------------------------------------------ the panel */

  function buildPanel(form) {
    var input = form.querySelector("input[type=search]");
    var panel = el("div", { id: "pa-search-panel", "class": "pa-search-panel", role: "dialog", hidden: "" });
    var status = el("p", { "class": "pa-search-status", role: "status", "aria-live": "polite" });
    var facets = el("div", { "class": "pa-search-facets" });
    var results = el("div", { "class": "pa-search-results", "data-search-results": "" });
    panel.appendChild(status);
    panel.appendChild(facets);
    panel.appendChild(results);
    form.appendChild(panel);
    input.setAttribute("role", "combobox");  /* ARIA 1.2: a box whose results open in a dialog */
    input.setAttribute("aria-haspopup", "dialog");
    input.setAttribute("aria-controls", panel.id);
    input.setAttribute("aria-expanded", "false");
    return { input: input, panel: panel, status: status, facets: facets, results: results };
  }

  function openPanel() {
    S.ui.panel.hidden = false;
    S.ui.input.setAttribute("aria-expanded", "true");
  }

  function closePanel() {
    S.ui.panel.hidden = true;
    S.ui.input.setAttribute("aria-expanded", "false");
  }

  function links() {
    return Array.prototype.slice.call(S.ui.panel.querySelectorAll("a, select"));
  }

  function onKey(event) {
    var items = links(), i = items.indexOf(document.activeElement);
    if (event.key === "Escape") {
      closePanel();
      S.ui.input.focus();
      event.preventDefault();
    } else if (event.key === "ArrowDown" && document.activeElement.tagName !== "SELECT") {
      var next = items.filter(function (x) { return x.tagName === "A"; });
      var j = next.indexOf(document.activeElement);
      if (next.length) { next[Math.min(j + 1, next.length - 1)].focus(); event.preventDefault(); }
    } else if (event.key === "ArrowUp" && i >= 0 && document.activeElement.tagName !== "SELECT") {
      var prev = items.filter(function (x) { return x.tagName === "A"; });
      var k = prev.indexOf(document.activeElement);
      (k > 0 ? prev[k - 1] : S.ui.input).focus();
      event.preventDefault();
    }
  }

  /* ------------------------------------------------------------------ queries */

  function concepts(query) {
    var folded = " " + P.fold(query).replace(/[^a-z0-9]+/g, " ").trim() + " ";
    var found = {};
    Object.keys(S.tier1.concepts).forEach(function (term) {
      var t = " " + term.replace(/[^a-z0-9]+/g, " ").trim() + " ";
      if (t.length > 2 && folded.indexOf(t) >= 0) found[S.tier1.concepts[term]] = true;
    });
    return Object.keys(found);
  }

  /* Index tokens a word being typed may become: its own prefix, and stems it has already passed
   * ("etabliss" -> "etabl"), so type-ahead never breaks stemming. */
  function expansions(index, word) {
    var folded = P.fold(word), out = [];
    if (folded.length < PREFIX_MIN) return out;
    var tokens = index._passerelleTokens || (index._passerelleTokens = Object.keys(index.invertedIndex));
    for (var i = 0; i < tokens.length; i++) {
      var t = tokens[i];
      if (t.length >= Math.max(PREFIX_MIN, folded.length - 4) && folded.lastIndexOf(t, 0) === 0) out.push(t);
    }
    return out;
  }

  function clean(words) {  /* "*" is lunr's wildcard: a reader's asterisk is text, never a pattern */
    return words.map(function (w) { return w.replace(/\*/g, ""); }).filter(function (w) { return w.length; });
  }

  function run(index, query, fields) {
    var words = clean(P.words(query, S.lang));
    var typing = !/\s$/.test(query) && words.length ? words[words.length - 1] : null;
    var found = concepts(query);
    if (!words.length && !found.length) return [];
    return index.query(function (q) {
      words.forEach(function (w) { q.term(w, { usePipeline: true, boost: 10 }); });
      if (typing && P.fold(typing).length >= PREFIX_MIN) {
        q.term(P.fold(typing), { usePipeline: false, wildcard: lunr.Query.wildcard.TRAILING, boost: 1 });
        expansions(index, typing).forEach(function (t) { q.term(t, { usePipeline: false, boost: 2 }); });
      }
      if (fields.indexOf("concepts") >= 0) {
        found.forEach(function (c) { q.term(c, { fields: ["concepts"], usePipeline: true, boost: 20 }); });
      }
    });
  }

  function search(query) {
    var scores = {};
    run(S.index, query, ["concepts"]).forEach(function (r) { scores[r.ref] = r.score; });
    S.full.forEach(function (index) {
      run(index, query, []).forEach(function (r) { scores[r.ref] = (scores[r.ref] || 0) + FULL_WEIGHT * r.score; });
    });
    return Object.keys(scores).sort(function (a, b) { return scores[b] - scores[a] || (a < b ? -1 : 1); });
  }

  function loadFullText(then) {
    if (S.fullState === "loaded") { then(); return; }
    if (S.fullState === "loading") { S.fullThen.push(then); return; }
    S.fullState = "loading";
    S.fullThen = [then];
    var left = S.tier1.shards;
    if (!left) { S.fullState = "loaded"; then(); return; }
    for (var n = 1; n <= S.tier1.shards; n++) {
      load("full-" + n, function (data) {
        S.full.push(P.expand(data.index));
        Object.keys(data.texts).forEach(function (ref) { S.texts[ref] = data.texts[ref]; });
        if (--left === 0) {
          S.fullState = "loaded";
          S.fullThen.forEach(function (fn) { fn(); });
        }
      });
    }
  }

  /* ------------------------------------------------------------------ facets and the address */

  function facetCounts(refs) {
    var counts = {};
    FACETS.forEach(function (f) {
      counts[f] = {};
      refs.forEach(function (ref) {
        if (!matches(ref, f)) return;
        (S.tier1.docs[ref].f[f] || []).forEach(function (v) { counts[f][v] = (counts[f][v] || 0) + 1; });
      });
    });
    return counts;
  }

  function matches(ref, except) {
    var f = S.tier1.docs[ref].f;
    return FACETS.every(function (name) {
      return name === except || !S.filters[name] || (f[name] || []).indexOf(S.filters[name]) >= 0;
    });
  }

  function label(facet, value) {
    return (S.tier1.facets[facet] || {})[value] || value;
  }

  function renderFacets(counts) {
    var box = S.ui.facets;
    box.textContent = "";
    FACETS.forEach(function (facet) {
      var values = Object.keys(counts[facet]);
      if (S.filters[facet] && values.indexOf(S.filters[facet]) < 0) values.push(S.filters[facet]);
      if (!values.length) return;
      values.sort(function (a, b) { return facet === "year" ? (a < b ? 1 : -1) : label(facet, a).localeCompare(label(facet, b)); });
      var id = "pa-facet-" + facet;
      var wrap = el("span", { "class": "pa-search-facet" });
      wrap.appendChild(el("label", { "for": id }, S.tier1.strings["facet_" + facet]));
      var select = el("select", { id: id, name: facet });
      select.appendChild(el("option", { value: "" }, S.tier1.strings.search_all));
      values.forEach(function (v) {
        var option = el("option", { value: v }, label(facet, v) + " (" + (counts[facet][v] || 0) + ")");
        if (S.filters[facet] === v) option.selected = true;
        select.appendChild(option);
      });
      select.addEventListener("change", function () {
        S.filters[facet] = select.value || null;
        update();
        var again = document.getElementById(id);
        if (again) again.focus();
      });
      wrap.appendChild(select);
      box.appendChild(wrap);
    });
  }

  function readAddress() {
    var params = new URLSearchParams(window.location.search);
    FACETS.forEach(function (f) { S.filters[f] = params.get(f) || null; });
    return params.get("q") || "";
  }

  function writeAddress(query) {
    var params = new URLSearchParams();
    if (query) params.set("q", query);
    FACETS.forEach(function (f) { if (S.filters[f]) params.set(f, S.filters[f]); });
    var search = params.toString();
    try {
      history.replaceState(null, "", window.location.pathname + (search ? "?" + search : "") + window.location.hash);
    } catch (e) { /* some browsers refuse it from file://: the search still works */ }
  }

  /* ------------------------------------------------------------------ results */

  function stems(query) {
    return P.words(query, S.lang).map(function (w) { return P.fold(w); }).filter(function (w) { return w.length >= 2; })
      .map(function (w) { var s = P.stem(w, S.lang); return s.length >= 2 ? s : w; });
  }

  function passage(ref, query) {
    var doc = S.tier1.docs[ref];
    var wanted = stems(query);
    var texts = [S.summaries[ref] || "", S.texts[ref] || ""];
    for (var i = 0; i < texts.length; i++) {
      var sentences = texts[i].split(/(?<=[.!?…])\s+/);
      for (var j = 0; j < sentences.length; j++) {
        if (hits(sentences[j], wanted).length) return sentences[j].slice(0, 300);
      }
    }
    return S.summaries[ref] || "";
  }

  function hits(text, wanted) {
    var out = [], re = /[\p{L}\p{N}]+/gu, m;
    while ((m = re.exec(text))) {
      var w = P.fold(m[0]);
      if (wanted.some(function (s) { return w.lastIndexOf(s, 0) === 0; })) out.push([m.index, m.index + m[0].length]);
    }
    return out;
  }

  function highlighted(text, query) {
    var p = el("p", { "class": "pa-search-passage" }), at = 0;
    hits(text, stems(query)).forEach(function (h) {
      p.appendChild(document.createTextNode(text.slice(at, h[0])));
      p.appendChild(el("mark", {}, text.slice(h[0], h[1])));
      at = h[1];
    });
    p.appendChild(document.createTextNode(text.slice(at)));
    return p;
  }

  function item(ref, query) {
    var doc = S.tier1.docs[ref];
    var li = el("li", { "class": "pa-search-result" });
    var title = el("a", { href: S.langRoot + doc.u + S.indexFile, "class": "pa-search-title" }, doc.t);
    if (doc.l !== S.lang) title.setAttribute("lang", doc.l);
    li.appendChild(title);
    if (doc.l !== S.lang) li.appendChild(el("span", { "class": "pa-search-lang" }, " — " + S.tier1.strings.search_other_language));
    li.appendChild(highlighted(passage(ref, query), query));
    if (doc.l === S.lang && doc.f.audience.length) {  /* the audience views, at <address><audience>/ */
      var views = el("ul", { "class": "pa-search-views" });
      doc.f.audience.forEach(function (a) {
        var entry = el("li");
        entry.appendChild(el("a", { href: S.langRoot + doc.u + a + "/" + S.indexFile }, label("audience", a)));
        views.appendChild(entry);
      });
      li.appendChild(views);
    }
    return li;
  }

  function render(query, refs) {
    var shown = refs.filter(function (ref) { return matches(ref, null); });
    renderFacets(facetCounts(refs));
    S.ui.results.textContent = "";
    var strings = S.tier1.strings;
    if (!P.words(query, S.lang).length && !concepts(query).length) {
      S.ui.status.textContent = strings.search_type_more;
      return;
    }
    S.ui.status.textContent = !shown.length ? (S.fullState === "loading" ? strings.search_full_text : strings.search_none)
      : shown.length === 1 ? strings.search_count_one : strings.search_count.replace("{n}", shown.length);
    var list = el("ol", { "class": "pa-search-list" });
    shown.forEach(function (ref) { list.appendChild(item(ref, query)); });
    S.ui.results.appendChild(list);
    loadSummaries(shown.slice(0, SUMMARIES_SHOWN), function () { if (S.ui.input.value.slice(0, MAX_QUERY) === query) render(query, refs); });
  }

  /* Summaries come in shards, loaded for the first results shown; the list is drawn again when they arrive. */
  function loadSummaries(refs, then) {
    var wanted = {};
    refs.forEach(function (ref) { if (!(ref in S.summaries)) wanted[S.tier1.docs[ref].n] = true; });
    var shards = Object.keys(wanted), left = shards.length;
    shards.forEach(function (n) {
      load("summaries-" + n, function (data) {
        Object.keys(data).forEach(function (ref) { S.summaries[ref] = data[ref]; });
        if (--left === 0) then();
      });
    });
  }

  function update() {
    var query = S.ui.input.value.slice(0, MAX_QUERY);
    var refs = search(query);
    openPanel();
    render(query, refs);
    writeAddress(query);
    if (refs.length < FEW && S.fullState !== "loaded" && P.words(query, S.lang).length) {
      /* drawn again when the full text arrives, unless the reader closed the panel meanwhile (Escape) */
      loadFullText(function () { if (!S.ui.panel.hidden && S.ui.input.value.slice(0, MAX_QUERY) === query) update(); });
    }
  }

  function schedule() {
    if (S.pending) return;
    S.pending = true;
    window.requestAnimationFrame(function () { S.pending = false; update(); });
  }

  /* ------------------------------------------------------------------ start */

  function start(form) {
    if (S) return;
    P = window.PasserelleLunr(lunr);
    S = { lang: form.getAttribute("data-lang"), indexBase: form.getAttribute("data-index"), version: null,
          langRoot: form.getAttribute("data-root"), filters: {}, full: [], texts: {}, summaries: {}, fullState: "none",
          indexFile: window.location.protocol === "file:" ? "index.html" : "" };  /* a folder shows no directory index */
    S.ui = buildPanel(form);
    var initial = readAddress();
    if (initial && !S.ui.input.value) S.ui.input.value = initial;
    load("tier1", function (data) {
      S.tier1 = data;
      S.index = P.expand(data.index);
      S.ui.panel.setAttribute("aria-label", data.strings.search_results_label);
      S.ui.input.addEventListener("input", schedule);
      S.ui.input.addEventListener("click", function () { if (S.ui.input.value) openPanel(); });
      form.addEventListener("keydown", onKey);
      form.addEventListener("submit", function (e) { e.preventDefault(); update(); });
      document.addEventListener("click", function (e) { if (!form.contains(e.target)) closePanel(); });
      if (S.ui.input.value || window.location.search) update();
    });
  }

  /* The ranked document refs for a query, as the panel shows them (full text included when tier 1 finds
   * few): the same code path, for tests and for anyone scripting the site. */
  function results(query, then) {
    var q = String(query).slice(0, MAX_QUERY);
    var refs = search(q);
    if (refs.length < FEW && P.words(q, S.lang).length && S.fullState !== "loaded") {
      loadFullText(function () { then(search(q)); });
    } else {
      then(refs);
    }
  }

  function ready(then) {
    if (S && S.tier1) then(); else load("tier1", function () { then(); });
  }

  window.PasserelleSearch = { register: register, start: start, results: results, ready: ready };
})();
