/* The compact search index (src/pipeline.js: index, counted without lunr.Builder) rebuilds lunr's own index exactly: same postings, same scores, same results.
 * Reads {"indexes": [spec…]}, the requests scripts/search/build-index.js reads one per line; prints {"checked", "mismatches"}. */
"use strict";
const path = require("path");
const lunr = require("lunr");
require("lunr-languages/lunr.stemmer.support")(lunr);
require("lunr-languages/lunr.fr")(lunr);
const P = require(path.join(process.argv[2], "src", "pipeline.js"))(lunr);

function semantic(json) {
  const terms = {}, vectors = {};
  const names = {};
  for (const [term, entry] of json.invertedIndex) {
    names[entry._index] = term;
    terms[term] = json.fields.map((f) => Object.keys(entry[f]).sort().join(","));
  }
  for (const [ref, el] of json.fieldVectors) {
    const v = {};
    for (let i = 0; i < el.length; i += 2) v[names[el[i]]] = el[i + 1];
    if (Object.keys(v).length) vectors[ref] = v;
  }
  return { terms, vectors };
}

let input = "";
process.stdin.on("data", (c) => { input += c; });
process.stdin.on("end", () => {
  const mismatches = [];
  let checked = 0;
  for (const spec of JSON.parse(input).indexes) {
    const original = lunr(function () {  // lunr's own index of the spec, with the same pipeline
      P.configure(this, spec.lang);
      this.ref("id");
      spec.fields.forEach((f) => this.field(f[0], { boost: f[1] }));
      spec.docs.forEach((doc) => this.add(doc));
    });
    const rebuilt = P.expand(JSON.parse(JSON.stringify(P.index(spec))));
    const a = semantic(original.toJSON()), b = semantic(rebuilt.toJSON());
    for (const part of ["terms", "vectors"]) {
      if (JSON.stringify(a[part], Object.keys(a[part]).sort()) !== JSON.stringify(b[part], Object.keys(b[part]).sort())) {
        mismatches.push(`${spec.lang}: ${part} differ`);
      }
    }
    for (const q of spec.queries || []) {
      const words = P.words(q, spec.lang);
      const run = (index) => index.query((query) => words.forEach((w) => query.term(w, { usePipeline: true })))
        .map((r) => `${r.ref}:${r.score.toFixed(9)}`).join(" ");
      checked += 1;
      if (run(original) !== run(rebuilt)) mismatches.push(`${spec.lang} '${q}': results differ`);
    }
  }
  process.stdout.write(JSON.stringify({ checked, mismatches }));
});
