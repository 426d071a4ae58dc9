/* Prebuilds Passerelle's lunr indexes at build time with the same lunr.js, lunr-languages and pipeline the
 * browser uses. Reads {"indexes": [{"lang", "fields": [[name, boost]], "docs": [{"id", <field>: text}]}]}
 * on standard input and writes each <compact index> on standard output as it is built, one JSON text per line
 * (the caller reads and keeps one at a time instead of all of them parsed at once).
 *
 * The compact form (src/pipeline.js: compact, expand) carries what lunr needs to rebuild the very same
 * index: postings with their term frequencies, field lengths and boosts, instead of the precomputed
 * score vectors that make most of lunr's own serialisation; the browser recomputes the scores with
 * lunr's formula (tests/search/compact_roundtrip.js checks that it is exact). */
"use strict";
const path = require("path");
const lunr = require("lunr");
require("lunr-languages/lunr.stemmer.support")(lunr);
require("lunr-languages/lunr.fr")(lunr);
const passerelle = require(path.join(__dirname, "src", "pipeline.js"))(lunr);

function build(spec) {
  const builder = passerelle.builder(spec);
  builder.build();
  return passerelle.compact(builder);
}

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const request = JSON.parse(input);
  input = "";
  for (const spec of request.indexes) process.stdout.write(JSON.stringify(build(spec)) + "\n");
});
