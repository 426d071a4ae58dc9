/* Prebuilds Passerelle's lunr indexes at build time with the same lunr.js, lunr-languages and pipeline the
 * browser uses. Reads one index request per line on standard input, {"lang", "fields": [[name, boost]],
 * "docs": [{"id", <field>: text}]}, and writes each <compact index> on one line of standard output as soon
 * as it is built, in the same order. One request is held at a time, and with --expose-gc what each index
 * left behind is collected before the next: V8 otherwise lets its heap grow with the garbage (at 3,000 briefs
 * Node peaked at 439 MB reading the whole request at once, 219 MB this way).
 *
 * The compact form (src/pipeline.js: index, expand) carries what lunr needs to rebuild the very same
 * index: postings with their term frequencies, field lengths and boosts, instead of the precomputed
 * score vectors that make most of lunr's own serialisation; the browser recomputes the scores with
 * lunr's formula (tests/search/compact_roundtrip.js checks that it is exact). */
"use strict";
const path = require("path");
const lunr = require("lunr");
require("lunr-languages/lunr.stemmer.support")(lunr);
require("lunr-languages/lunr.fr")(lunr);
const passerelle = require(path.join(__dirname, "src", "pipeline.js"))(lunr);

function answer(line) {
  if (!line) return;
  process.stdout.write(JSON.stringify(passerelle.index(JSON.parse(line))) + "\n");  // synchronous on a pipe
  if (global.gc) global.gc();  // run with --expose-gc: what one index left behind goes before the next
}

// Lines are put together from the chunks as they come: a request (tier 1 of 10,000 briefs) is tens of
// megabytes. Each is built within the "data" event, so no more input is read meanwhile.
let parts = [];
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => {
  let start = 0;
  for (let end = chunk.indexOf("\n"); end >= 0; end = chunk.indexOf("\n", start)) {
    parts.push(chunk.slice(start, end));
    const line = parts.join("");
    parts = [];
    answer(line);
    start = end + 1;
  }
  if (start < chunk.length) parts.push(chunk.slice(start));
});
process.stdin.on("end", () => answer(parts.join("")));
