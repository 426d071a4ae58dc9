/* Passerelle's lunr pipeline, shared by the index builder (Node, at build time) and the reader's browser,
 * so that both sides turn words into the very same tokens:
 *   tokenizer: splits on spaces, hyphens and apostrophes (French elisions: "l'emploi" -> "l", "emploi");
 *   index:  trimmer -> stop words -> elided articles dropped -> case and accents folded -> stemmer -> plural;
 *   query:  case and accents folded -> stemmer -> plural (stop words are dropped by the UI before querying).
 * Folding before stemming makes "etablissement", "Établissement" and "établissements" one token. */
(function (root, factory) {
  if (typeof module === "object" && module.exports) module.exports = factory;
  else root.PasserelleLunr = factory;
})(this, function (lunr) {
  "use strict";
  var SEPARATOR = /[\s\-\u2010-\u2015'\u2019\u02bc]+/;
  var ELIDED = { c: 1, d: 1, j: 1, l: 1, m: 1, n: 1, s: 1, t: 1, qu: 1, jusqu: 1, lorsqu: 1, puisqu: 1, quoiqu: 1 };

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function foldToken(token) {
    return token.update(fold);
  }

  function dropElided(token) {
    var t = token.toString();
    return t.length < 2 || ELIDED[t] ? undefined : token;
  }

  /* Snowball leaves some French plurals ("emplois"); one more step so singular and plural meet. */
  function plural(token) {
    return token.update(function (t) { return t.length > 4 && /[^s][sx]$/.test(t) ? t.slice(0, -1) : t; });
  }

  lunr.Pipeline.registerFunction(foldToken, "passerelle-fold");
  lunr.Pipeline.registerFunction(dropElided, "passerelle-elided");
  lunr.Pipeline.registerFunction(plural, "passerelle-plural");

  function language(lang) {
    if (lang === "fr") {
      return { trimmer: lunr.fr.trimmer, stopWordFilter: lunr.fr.stopWordFilter, stemmer: lunr.fr.stemmer };
    }
    return { trimmer: lunr.trimmer, stopWordFilter: lunr.stopWordFilter, stemmer: lunr.stemmer };
  }

  /* Configure a lunr.Builder (inside lunr(function () {...})) for one language. */
  function configure(builder, lang) {
    var l = language(lang);
    lunr.tokenizer.separator = SEPARATOR;
    builder.pipeline.reset();
    builder.pipeline.add(l.trimmer, l.stopWordFilter, dropElided, foldToken, l.stemmer, plural);
    builder.searchPipeline.reset();
    builder.searchPipeline.add(foldToken, l.stemmer, plural);
    builder.metadataWhitelist = [];  /* no positions: ranking does not use them and they weigh */
  }

  /* The query side: words of the reader's text, without stop words, and the tokens they become. */
  function words(text, lang) {
    var l = language(lang);
    lunr.tokenizer.separator = SEPARATOR;
    var out = [];
    lunr.tokenizer(text).forEach(function (token) {
      var kept = l.stopWordFilter(l.trimmer(token.clone()));
      if (kept && dropElided(kept)) out.push(kept.toString());
    });
    return out;
  }

  function stem(word, lang) {
    var l = language(lang);
    var t = plural(l.stemmer(foldToken(new lunr.Token(word, {}))));
    return t ? t.toString() : "";
  }

  /* ---------------------------------------------------------------- the compact index */

  /* One index spec, {"lang", "fields": [[name, boost]], "docs": [...]} with unique "id"s, as the compact index:
   * documents numbered in the order of their sorted refs, postings delta-coded with their term frequencies (0
   * when all are 1), field lengths; no score vectors (expand recomputes them). Tokens and counts are those of
   * lunr.Builder.add (its tokenizer and this pipeline; a field's length is the tokens the pipeline keeps), kept
   * in arrays: lunr.Builder holds an object per posting (tier 1 of 11,000 documents: Node's peak 521 MB, 183 without). */
  function index(spec) {
    var b = new lunr.Builder();  /* for its configured pipelines and its BM25 constants */
    configure(b, spec.lang);
    var fields = spec.fields.map(function (f) { return f[0]; });
    var refs = spec.docs.map(function (doc) { return String(doc.id); });
    var order = refs.map(function (ref, d) { return d; })
      .sort(function (x, y) { return refs[x] < refs[y] ? -1 : refs[x] > refs[y] ? 1 : 0; });
    var postings = new Map(), lengths = fields.map(function () { return []; });
    order.forEach(function (d, n) {
      fields.forEach(function (field, f) {
        var tokens = b.pipeline.run(lunr.tokenizer(spec.docs[d][field], { fields: [field] })), counts = new Map();
        tokens.forEach(function (t) { var term = t.toString(); counts.set(term, (counts.get(term) || 0) + 1); });
        lengths[f].push(tokens.length);
        counts.forEach(function (tf, term) {
          var entry = postings.get(term);
          if (!entry) postings.set(term, entry = fields.map(function () { return { docs: [], tfs: [] }; }));
          entry[f].docs.push(n);
          entry[f].tfs.push(tf);
        });
      });
    });
    var terms = Array.from(postings.keys()).sort();
    return {
      version: lunr.version, fields: fields, pipeline: b.searchPipeline.toJSON(), refs: order.map(function (d) { return refs[d]; }),
      count: refs.length, k1: b._k1, b: b._b,
      boosts: spec.fields.map(function (f) { return f[1] || 1; }),
      average: lengths.map(function (l) { return l.reduce(function (a, x) { return a + x; }, 0) / refs.length; }),
      lengths: lengths, terms: terms,
      postings: terms.map(function (term) { return postings.get(term).map(function (p) { return deltas(p.docs); }); }),
      tfs: terms.map(function (term) {
        return postings.get(term).map(function (p) { return p.tfs.every(function (x) { return x === 1; }) ? 0 : p.tfs; });
      })
    };
  }

  function deltas(numbers) {
    var last = 0;
    return numbers.map(function (n) { var d = n - last; last = n; return d; });
  }

  /* The compact index back into a lunr.Index, scores computed exactly as lunr.Builder computes them. */
  function expand(c) {
    var perField = c.fields.map(function () { return c.refs.map(function () { return []; }); });
    var inverted = c.terms.map(function (term, t) {
      var entry = { _index: t }, withTerm = 0;
      c.fields.forEach(function (field, f) {
        var docs = {}, n = 0, tf = c.tfs[t][f];
        c.postings[t][f].forEach(function (delta, k) {
          n += delta;
          docs[c.refs[n]] = {};
          perField[f][n].push(t, tf ? tf[k] : 1);
        });
        entry[field] = docs;
        withTerm += c.postings[t][f].length;
      });
      entry.idf = Math.log(1 + Math.abs((c.count - withTerm + 0.5) / (withTerm + 0.5)));
      return [term, entry];
    });
    var vectors = [];
    c.fields.forEach(function (field, f) {
      perField[f].forEach(function (pairs, d) {
        var elements = [], norm = c.k1 * (1 - c.b + c.b * (c.lengths[f][d] / c.average[f]));
        for (var i = 0; i < pairs.length; i += 2) {
          var tf = pairs[i + 1], score = inverted[pairs[i]][1].idf * ((c.k1 + 1) * tf) / (norm + tf);
          elements.push(pairs[i], Math.round(score * c.boosts[f] * 1000) / 1000);
        }
        vectors.push([field + "/" + c.refs[d], elements]);
      });
    });
    inverted.forEach(function (pair) { delete pair[1].idf; });
    return lunr.Index.load({ version: c.version, fields: c.fields, fieldVectors: vectors, invertedIndex: inverted,
                             pipeline: c.pipeline });
  }

  return { configure: configure, words: words, stem: stem, fold: fold, separator: SEPARATOR,
           index: index, expand: expand };
});
