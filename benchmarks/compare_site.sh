#!/bin/bash
# Byte-for-byte comparison of the built site: the working tree (uncommitted changes included) against a
# git ref, each built from a clean copy with empty caches by its own code. A refactor must show no
# difference; a change of behaviour shows exactly the files it meant to change.
#   usage: benchmarks/compare_site.sh [REF]      (default HEAD; `make compare-site REF=...`)
# Exit 0: identical. Exit 1: the differing files are listed (and a diff of the first few text files).
set -euo pipefail
cd "$(dirname "$0")/.."
REF=${1:-HEAD}
PY=${PYTHON:-$PWD/.venv/bin/python}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/passerelle-compare.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/ref" "$WORK/now"
git archive "$REF" | tar -x -C "$WORK/ref"
git ls-files -z --cached --others --exclude-standard | xargs -0 tar -c --ignore-failed-read 2>/dev/null | tar -x -C "$WORK/now"
for side in ref now; do
  # the search's npm packages (not in git): each side uses this checkout's
  if [[ -d $WORK/$side/scripts/search && -d scripts/search/node_modules ]]; then
    ln -s "$PWD/scripts/search/node_modules" "$WORK/$side/scripts/search/node_modules"
  fi
  # each side's own package first on the path, so the ref is built by the ref's code
  # exit 1 (content with errors, valid files still published) is a build; no build report is not
  (cd "$WORK/$side" && PYTHONPATH="$WORK/$side/scripts" "$PY" -m passerelle.cli build --root "$WORK/$side" \
     > "$WORK/$side.log" 2>&1) || true
  [[ -f $WORK/$side/site/build-report.json ]] || { echo "build of $side failed:"; tail -5 "$WORK/$side.log"; exit 2; }
done
if diff -rq "$WORK/ref/site" "$WORK/now/site" > "$WORK/diff.txt"; then
  echo "site/ identical to $REF: $(find "$WORK/now/site" -type f | wc -l) files"
  exit 0
fi
echo "site/ differs from $REF in $(wc -l < "$WORK/diff.txt") places:"
sed "s|$WORK/||g" "$WORK/diff.txt"
grep '^Files .* differ$' "$WORK/diff.txt" | grep -E '\.(html|json|xml|txt|bib|ris)' | head -3 | while read -r _ a _ b _; do
  diff -u "$a" "$b" | head -40 | sed "s|$WORK/||g"
done
exit 1
