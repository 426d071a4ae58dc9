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

SITE_URL = "https://example.org/passerelle/"
AMOUNT_PILOT = "amount-test-pilot"  # English only, with an amount and a start date the test adds


def build_with_pilots(root: Path, site_url: str | None) -> Path:
    """The bundled content plus the seed pilot (both languages) and a test copy stating an amount,
    built by the installed command, with or without SITE_URL."""
    import os
    import subprocess

    from conftest import BIN, REPO, copy_project

    copy_project(REPO, root)
    add_pilot(root)
    add_pilot(root, langs=("en",), pid=AMOUNT_PILOT, extra="amount: {value: 250000, currency: CAD}\nstart: 2020-04-01\n")
    env = {k: v for k, v in os.environ.items() if k != "SITE_URL"}
    if site_url:
        env["SITE_URL"] = site_url
    r = subprocess.run([str(BIN / "passerelle"), "build"], cwd=root, env=env, capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    return root / "site"


_BUILT: dict[str, Path] = {}


def built_once(tmp_path_factory, site_url: str | None) -> Path:
    """One build per SITE_URL for the whole session, shared by the open-data, feed and metadata tests."""
    key = site_url or ""
    if key not in _BUILT:
        _BUILT[key] = build_with_pilots(tmp_path_factory.mktemp("published" if site_url else "local"), site_url)
    return _BUILT[key]
