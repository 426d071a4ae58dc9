"""A synthetic Passerelle project of N bilingual briefs, N/10 bilingual pilots and N/2 literature entries,
reproducible from a seed, for the scale benchmark (``passerelle bench``). Never bundled content.

Shapes follow the bundled briefs: every core section, 2-4 audience parts (each within its word cap), key
messages as a list, hand-given topics and regions from the vocabulary, 1-3 sources, evidence strength and
types. The prose is the seed documents' own paragraphs (English) and sentences of the bundled French briefs
and benchmarks/enrich_fr.txt (French), shuffled. Every name, title and organisation is marked synthetic
("Synthetic ..."), and pilots leave out optional money fields (agreement, amount): nothing here looks like a
real record. Valid under ``passerelle check`` (0 errors; readability targets may warn).

    python benchmarks/corpus.py --n 1000 OUT_DIR [--seed 1]
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import shutil
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
FRENCH = Path(__file__).with_name("enrich_fr.txt")
AUDIENCES = ("frontline", "managers", "funders", "researchers")
CORE = ("key-messages", "about", "methods", "findings", "certainty", "currency")
PART_WORDS = {"frontline": 170, "managers": 230, "funders": 290, "researchers": 260}  # under each cap
CORE_WORDS = {"about": 60, "methods": 70, "findings": 120, "certainty": 50, "currency": 40}
SUBHEADINGS = {"en": ["What it takes", "What you can try", "Risks", "Evidence gaps", "Keep in mind"],
               "fr": ["Ce qu'il faut", "Ce que vous pouvez essayer", "Risques", "Lacunes", "À retenir"]}
TOPICS = ("language-training", "employment", "information-orientation", "community-connections", "support-services",
          "hybrid-service-delivery", "digital-inclusion", "data-and-evaluation", "knowledge-mobilization",
          "collaboration", "professional-development", "funding-and-capacity", "privacy-and-security",
          "client-feedback", "mental-health", "refugees", "women", "youth", "seniors", "rural-small-centres")
REGIONS = ("national", "CA-BC", "CA-AB", "CA-SK", "CA-MB", "CA-ON", "CA-QC", "CA-NB", "CA-NS")
STRENGTHS = ("emerging", "promising", "established")
EVIDENCE_TYPES = ("situational-analysis", "literature-review", "interviews", "survey", "program-evaluation",
                  "report-synthesis", "case-study")
STATUSES = ("planned", "active", "completed", "ended-early")
UNSAFE = re.compile(r"[<>\[\]`*_{}|#\\]|https?:|www\.")


def _clean(text: str) -> str:
    """Plain prose: no Markdown or HTML syntax, no links (check would rightly refuse some of them)."""
    return " ".join(UNSAFE.sub(" ", text).split())


def english_pool() -> list[str]:
    """Prose paragraphs of the seed documents (not titles or table-of-contents lines)."""
    paras = []
    for seed in sorted(SEEDS.glob("*.txt")):
        for p in seed.read_text(encoding="utf-8").split("\n\n"):
            p = _clean(p)
            if len(p.split()) >= 25 and p.endswith("."):
                paras.append(p)
    return paras


def french_pool() -> list[str]:
    """Sentences of the bundled French briefs and of the enrichment benchmark's French file."""
    sentences = [s for s in FRENCH.read_text(encoding="utf-8").splitlines() if s and not s.startswith("#")]
    for path in sorted((ROOT / "content" / "briefs").glob("*.fr.md")):
        body = path.read_text(encoding="utf-8").split("\n---\n", 1)[-1]
        for line in body.splitlines():
            line = _clean(line.lstrip("-# "))
            if not line.startswith(("Pour ", "Ce qu")) and len(line.split()) >= 8:
                sentences += [s.strip() + "." for s in line.split(". ") if len(s.split()) >= 6]
    return sorted(set(s.rstrip(".") + "." for s in sentences))


class Writer:
    """Draws prose of about a given length in one language, reproducibly."""

    def __init__(self, rng: random.Random, en: list[str], fr: list[str]):
        self.rng, self.en, self.fr = rng, en, fr

    def paragraph(self, lang: str) -> str:
        if lang == "en":
            return self.rng.choice(self.en)
        return " ".join(self.rng.sample(self.fr, self.rng.randint(3, 6)))

    def prose(self, lang: str, words: int) -> list[str]:
        out, n = [], 0
        while n < words:
            p = self.paragraph(lang)
            p = " ".join(p.split()[: max(12, words - n + 10)])
            out.append(p if p.endswith(".") else p + ".")
            n += len(p.split())
        return out

    def sentence(self, lang: str, max_words: int = 30) -> str:
        """The opening of a paragraph: its first sentence, or more while that is under six words."""
        sentences = self.paragraph(lang).split(". ")
        k = next((k for k in range(1, len(sentences) + 1) if len(" ".join(sentences[:k]).split()) >= 6), len(sentences))
        s = " ".join(". ".join(sentences[:k]).split()[:max_words]).rstrip(".,;:")
        return s + "."


def _front(meta: dict) -> str:
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1000) + "---\n"


def brief_text(w: Writer, i: int, lang: str, shared: dict, headings: dict) -> str:
    """One brief in one language: front matter and body."""
    title = f"{'Synthetic brief' if lang == 'en' else 'Résumé synthétique'} {i}: {w.sentence(lang, 9).rstrip('.')}"
    meta = {"id": shared["id"], "type": "brief", "title": title[:150], "summary": w.sentence(lang, 40)[:480],
            **{k: shared[k] for k in ("sources", "audiences", "published", "evidence", "topics", "regions")}}
    lines = []
    for sid in CORE:
        lines += [f"## {headings['core'][sid][lang]} {{#{sid}}}", ""]
        if sid == "key-messages":
            lines += [f"- {w.sentence(lang)}" for _ in range(w.rng.randint(3, 5))]
        else:
            lines += [x for p in w.prose(lang, CORE_WORDS[sid]) for x in (p, "")][:-1]
        lines.append("")
    for a in shared["audiences"]:
        lines += [f"## {headings['parts'][a][lang]} {{#{a}}}", ""]
        for k, p in enumerate(w.prose(lang, PART_WORDS[a])):
            if k % 2 == 0:
                lines += [f"### {SUBHEADINGS[lang][(k // 2) % len(SUBHEADINGS[lang])]}", ""]
            lines += [p, ""]
    return _front(meta) + "\n" + "\n".join(lines).rstrip() + "\n"


def pilot_text(w: Writer, i: int, lang: str, shared: dict) -> str:
    """One pilot in one language: required fields only, visibly synthetic names, no money or agreement."""
    synthetic = "Synthetic" if lang == "en" else "Fictif"
    meta = {"id": shared["id"], "type": "pilot",
            "title": f"{'Synthetic pilot' if lang == 'en' else 'Projet pilote fictif'} {i}: {w.sentence(lang, 8).rstrip('.')}",
            "summary": w.sentence(lang, 40)[:480], "lead_organization": f"{synthetic} organisation {i}",
            "funder": f"{synthetic} funder {i % 7}", **{k: shared[k] for k in ("status", "sources", "updated",
                                                                                  "regions", "related_briefs")}}
    body = []
    for sid, heading in shared["sections"][lang]:  # every section: a finished pilot must say what did not work
        body += [f"## {heading} {{#{sid}}}", ""] + [x for p in w.prose(lang, 45) for x in (p, "")]
    return _front(meta) + "\n" + "\n".join(body).rstrip() + "\n"


def literature(rng: random.Random, w: Writer, n_entries: int) -> str:
    """N/2 BibTeX entries, visibly synthetic (no URL, DOI or real author)."""
    out = ["% Synthetic literature for the scale benchmark: not real references.\n"]
    for k in range(n_entries):
        title = w.sentence("en", 10).rstrip(".").replace("{", "").replace("}", "")
        out.append(f"@techreport{{bench{k:05d},\n  author      = {{{{Synthetic Author {k % 97}}}}},\n"
                   f"  title       = {{Synthetic report {k}: {title}}},\n"
                   f"  institution = {{Synthetic Institute {k % 13}}},\n  year        = {{{2015 + k % 11}}}\n}}\n")
    return "\n".join(out)


def _headings() -> dict:
    sys.path.insert(0, str(ROOT / "scripts"))
    from passerelle import settings

    from passerelle.kinds import PILOT

    model = settings.content_model()
    return {"core": {sid: model.core_sections[sid].heading for sid in CORE},
            "parts": {a: model.audiences[a].heading for a in AUDIENCES},
            "pilot": {lang: [(sid, settings.text(lang, f"pilot_section_{sid}")) for sid in PILOT.sections]
                      for lang in ("en", "fr")}}


def generate(out: Path, n: int, seed: int = 1) -> Path:
    """Write a project (content/, literature/, mkdocs.yml and overrides/ from this repository) into ``out``."""
    rng = random.Random(seed)
    w = Writer(rng, english_pool(), french_pool())
    headings = _headings()
    if out.exists():
        shutil.rmtree(out)
    (out / "content" / "briefs").mkdir(parents=True)
    (out / "content" / "pilots").mkdir(parents=True)
    (out / "literature").mkdir()
    shutil.copyfile(ROOT / "mkdocs.yml", out / "mkdocs.yml")
    shutil.copytree(ROOT / "overrides", out / "overrides")
    n_entries = max(1, n // 2)
    (out / "literature" / "bench.bib").write_text(literature(rng, w, n_entries), encoding="utf-8")
    keys = [f"bench{k:05d}" for k in range(n_entries)]
    for i in range(n):
        shared = {"id": f"bench-brief-{i:05d}", "sources": rng.sample(keys, min(len(keys), rng.randint(1, 3))),
                  "audiences": sorted(rng.sample(AUDIENCES, rng.randint(2, 4)), key=AUDIENCES.index),
                  "published": dt.date(2019, 1, 1) + dt.timedelta(days=rng.randrange(2500)),
                  "evidence": {"strength": rng.choice(STRENGTHS),
                               "type": rng.sample(EVIDENCE_TYPES, rng.randint(1, 3))},
                  "topics": rng.sample(TOPICS, rng.randint(1, 3)), "regions": rng.sample(REGIONS, rng.randint(1, 2))}
        for lang in ("en", "fr"):
            text = brief_text(w, i, lang, shared, headings)
            (out / "content" / "briefs" / f"{shared['id']}.{lang}.md").write_text(text, encoding="utf-8")
    for i in range(max(1, n // 10)):
        shared = {"id": f"bench-pilot-{i:05d}", "status": rng.choice(STATUSES),
                  "sources": rng.sample(keys, min(len(keys), rng.randint(1, 2))),
                  "updated": dt.date(2020, 1, 1) + dt.timedelta(days=rng.randrange(2000)),
                  "regions": rng.sample(REGIONS, 1), "related_briefs": [f"bench-brief-{rng.randrange(n):05d}"],
                  "sections": headings["pilot"]}
        for lang in ("en", "fr"):
            (out / "content" / "pilots" / f"{shared['id']}.{lang}.md").write_text(pilot_text(w, i, lang, shared),
                                                                                   encoding="utf-8")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--n", type=int, default=100)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    generate(args.out, args.n, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
