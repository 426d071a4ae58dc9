"""Pilot summaries written into throw-away projects for the open-data tests, from seed 000's facts (the
Toronto East Quadrant Local Immigration Partnership's shared-data project). Nothing here is invented
for bundled content: fields the seed does not state (amount, dates, agreement) are left out, and a
test that needs one adds it to its own copy, saying so."""
from __future__ import annotations

from pathlib import Path

PILOT = {
    "en": {
        "title": "Pooling client data across agencies in Toronto's east end",
        "summary": "A Local Immigration Partnership pooled client data from local agencies, had a neutral third party analyse it, and shared the results back.",
        "body": "## What was tried {#tried}\n\nLocal agencies pooled their client data through their Local Immigration Partnership.\n",
    },
    "fr": {
        "title": "Mettre en commun les données sur les clients dans l'est de Toronto",
        "summary": "Un partenariat local en matière d'immigration a mis en commun les données des organismes locaux, les a fait analyser par un tiers neutre et a partagé les résultats.",
        "body": "## Ce qui a été essayé {#tried}\n\nLes organismes locaux ont mis en commun leurs données sur les clients.\n",
    },
}


def pilot_text(lang: str, pid: str = "toronto-east-shared-data", extra: str = "") -> str:
    p = PILOT[lang]
    return (f"---\nid: {pid}\ntype: pilot\ntitle: \"{p['title']}\"\nsummary: \"{p['summary']}\"\n"
            "lead_organization: \"Toronto East Quadrant Local Immigration Partnership\"\n"
            "funder: \"Immigration, Refugees and Citizenship Canada\"\n"
            "funding_stream: \"Service Delivery Improvement\"\nstatus: active\nregions: [CA-ON]\n"
            "sources: [peacegeeks2019settlement]\nupdated: 2026-11-30\n" + extra + "---\n\n" + p["body"])


def add_pilot(root: Path, langs=("en", "fr"), pid: str = "toronto-east-shared-data", extra: str = "") -> None:
    folder = root / "content" / "pilots"
    folder.mkdir(parents=True, exist_ok=True)
    for lang in langs:
        (folder / f"{pid}.{lang}.md").write_text(pilot_text(lang, pid, extra), encoding="utf-8")
