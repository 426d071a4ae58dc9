"""Builds shared by the open-data, feed, metadata and HTML-validity tests: the bundled content (briefs
and pilots) with and without SITE_URL, plus one test copy of a bundled pilot, English only, to which
the test adds an amount and a start date (no bundled pilot states either: the seeds do not)."""
from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

SITE_URL = "https://example.org/passerelle/"
SEED_PILOT = "toronto-east-quadrant-shared-client-data"  # bundled: no funder, amount or dates stated
FUNDED_PILOT = "ircc-client-experience-branch"  # bundled: funder stated, national
AMOUNT_PILOT = "amount-test-pilot"  # the test copy, English only, with a stated amount and start date


def add_amount_pilot(root: Path) -> None:
    text = (root / "content" / "pilots" / f"{SEED_PILOT}.en.md").read_text(encoding="utf-8")
    text = text.replace(f"id: {SEED_PILOT}\n", f"id: {AMOUNT_PILOT}\n", 1)
    text = re.sub(r'^title: "', 'title: "Test copy: ', text, count=1, flags=re.M)
    text = re.sub(r'^summary: "', 'summary: "A test copy with an amount. ', text, count=1, flags=re.M)
    text = text.replace("status: active\n", "status: active\namount: {value: 250000, currency: CAD}\nstart: 2020-04-01\n", 1)
    (root / "content" / "pilots" / f"{AMOUNT_PILOT}.en.md").write_text(text, encoding="utf-8")


def build_with_pilots(root: Path, site_url: str | None) -> Path:
    from conftest import BIN, REPO, copy_project

    copy_project(REPO, root)
    add_amount_pilot(root)
    env = {k: v for k, v in os.environ.items() if k != "SITE_URL"}
    if site_url:
        env["SITE_URL"] = site_url
    r = subprocess.run([str(BIN / "passerelle"), "build"], cwd=root, env=env, capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    return root / "site"


_BUILT: dict[str, Path] = {}


def built_once(tmp_path_factory, site_url: str | None) -> Path:
    """One build per SITE_URL for the whole session, shared by the test modules that read it."""
    key = site_url or ""
    if key not in _BUILT:
        _BUILT[key] = build_with_pilots(tmp_path_factory.mktemp("published" if site_url else "local"), site_url)
    return _BUILT[key]
