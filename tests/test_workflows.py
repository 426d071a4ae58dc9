"""The GitHub workflows, issue forms and Dependabot file: least privilege, pinned actions, no injection.

Runs offline: zizmor (--offline) and check-jsonschema (vendored schemas) come from the project venv.
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
GITHUB = ROOT / ".github"
WORKFLOWS = sorted((GITHUB / "workflows").glob("*.yml"))
FORMS = sorted(p for p in (GITHUB / "ISSUE_TEMPLATE").glob("*.yml") if p.name != "config.yml")
BIN = Path(sys.executable).parent
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")
USES_LINE = re.compile(r"^\s*(?:-\s*)?uses:\s*(\S+)(.*)$", re.M)
USER_TEXT_IN_RUN = re.compile(r"\$\{\{\s*github\.event\.(issue|pull_request|comment|review)")


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def triggers(doc: dict) -> list[str]:
    on = doc.get("on", doc.get(True))  # YAML 1.1 reads a bare `on` key as True
    return [on] if isinstance(on, str) else list(on or [])


def steps(doc: dict):
    for name, job in doc["jobs"].items():
        for step in job.get("steps") or []:
            yield name, step


def test_the_three_workflows_exist():
    assert {p.name for p in WORKFLOWS} == {"pr.yml", "deploy.yml", "form-to-pr.yml"}


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_read_only_by_default_and_no_pull_request_target(path):
    doc = load(path)
    assert "pull_request_target" not in triggers(doc)
    assert "workflow_run" not in triggers(doc)
    assert doc["permissions"] == {"contents": "read"}


def test_pages_rights_only_on_the_deploy_job():
    holders = {}
    for path in WORKFLOWS:
        for name, job in load(path)["jobs"].items():
            perms = job.get("permissions") or {}
            if perms.get("pages") == "write" or perms.get("id-token") == "write":
                holders[(path.name, name)] = perms
    assert holders == {("deploy.yml", "deploy"): {"pages": "write", "id-token": "write"}}
    deploy = load(GITHUB / "workflows" / "deploy.yml")
    assert deploy["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    assert deploy["jobs"]["deploy"]["environment"] == {"name": "github-pages", "url": "${{ steps.deployment.outputs.page_url }}"}
    assert [s["uses"].split("@")[0] for _, s in steps(deploy) if "uses" in s][-3:] == [
        "actions/configure-pages", "actions/upload-pages-artifact", "actions/deploy-pages"]
    assert triggers(deploy) == ["push", "workflow_dispatch"]
    assert (deploy.get("on") or deploy[True])["push"] == {"branches": ["main"]}


def test_write_rights_only_where_needed():
    """Apart from Pages, only the submission job writes: a branch, a pull request, a comment."""
    writers = {}
    for path in WORKFLOWS:
        for name, job in load(path)["jobs"].items():
            perms = job.get("permissions") or {}
            writes = sorted(k for k, v in perms.items() if v == "write" and k not in ("pages", "id-token"))
            if writes:
                writers[(path.name, name)] = writes
    assert writers == {("form-to-pr.yml", "open-pr"): ["contents", "issues", "pull-requests"]}


def test_submission_job_runs_only_for_the_maintainers_label():
    doc = load(GITHUB / "workflows" / "form-to-pr.yml")
    assert (doc.get("on") or doc[True]) == {"issues": {"types": ["labeled"]}}
    job = doc["jobs"]["open-pr"]
    assert "github.event.label.name == 'accepted-submission'" in job["if"]
    runs = [s["run"] for _, s in steps(doc) if "run" in s]
    assert any('passerelle form "$GITHUB_EVENT_PATH"' in r for r in runs)


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_actions_pinned_to_a_commit_with_a_version_comment(path):
    text = path.read_text(encoding="utf-8")
    uses = USES_LINE.findall(text)
    assert uses, "no actions at all?"
    for ref, comment in uses:
        assert PINNED.match(ref), f"{ref} is not pinned to a full commit SHA"
        assert re.fullmatch(r"\s*# v\d+\.\d+\.\d+", comment), f"{ref}: add a '# vX.Y.Z' comment"
    # the same action is pinned to the same commit everywhere
    pins = {}
    for p in WORKFLOWS:
        for ref, comment in USES_LINE.findall(p.read_text(encoding="utf-8")):
            pins.setdefault(ref.split("@")[0], set()).add(ref)
    assert all(len(v) == 1 for v in pins.values()), pins


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_no_user_text_in_run_and_no_persisted_credentials(path):
    doc = load(path)
    for job, step in steps(doc):
        assert not USER_TEXT_IN_RUN.search(step.get("run", "")), f"{job}: use an env variable, not ${{{{ }}}} in run:"
        if step.get("uses", "").startswith("actions/checkout@"):
            assert step["with"]["persist-credentials"] is False


def test_pull_request_workflow_checks_builds_and_reports():
    doc = load(GITHUB / "workflows" / "pr.yml")
    assert triggers(doc) == ["pull_request"]
    runs = " \n".join(s.get("run", "") for _, s in steps(doc))
    for command in ("make test", "passerelle check --format github", "make site", 'passerelle report >> "$GITHUB_STEP_SUMMARY"'):
        assert command in runs
    uses = {s["uses"].split("@")[0]: s for _, s in steps(doc) if "uses" in s}
    assert uses["actions/upload-artifact"]["with"]["path"] == "site/"
    assert ".cache/passerelle" in uses["actions/cache"]["with"]["path"]


def test_zizmor_offline_finds_nothing_at_medium_or_above():
    zizmor = BIN / "zizmor"
    if not zizmor.exists():
        pytest.skip("zizmor is not installed in this environment")
    r = subprocess.run([str(zizmor), "--offline", "--min-severity", "medium", *map(str, WORKFLOWS)],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "No findings to report" in r.stdout + r.stderr


@pytest.mark.parametrize("schema, files", [
    ("vendor.github-workflows", WORKFLOWS),
    ("vendor.github-issue-forms", FORMS),
    ("vendor.github-issue-config", [GITHUB / "ISSUE_TEMPLATE" / "config.yml"]),
    ("vendor.dependabot", [GITHUB / "dependabot.yml"]),
], ids=lambda x: x if isinstance(x, str) else "")
def test_files_match_githubs_schemas(schema, files):
    tool = BIN / "check-jsonschema"
    if not tool.exists():
        pytest.skip("check-jsonschema is not installed in this environment")
    r = subprocess.run([str(tool), "--builtin-schema", schema, *map(str, files)], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr


def test_issue_forms_are_bilingual_and_complete():
    assert {p.name for p in FORMS} >= {"propose-brief.yml", "propose-pilot.yml", "correction.yml", "feedback.yml"}
    for path in FORMS:
        form = load(path)
        assert " / " in form["name"], path.name
        for item in form["body"]:
            if item["type"] != "markdown":
                assert " / " in item["attributes"]["label"], f"{path.name}: {item['id']} label is not bilingual"
    assert load(GITHUB / "ISSUE_TEMPLATE" / "correction.yml")["name"] == "Suggest a change / Signaler une erreur"
    assert load(GITHUB / "ISSUE_TEMPLATE" / "feedback.yml")["name"] == "Was this useful? / Ce résumé vous a-t-il été utile?"


def test_dependabot_updates_actions_and_pip_weekly():
    updates = load(GITHUB / "dependabot.yml")["updates"]
    assert {(u["package-ecosystem"], u["schedule"]["interval"]) for u in updates} == {("github-actions", "weekly"), ("pip", "weekly")}


def test_pull_request_template_has_a_checklist():
    text = (GITHUB / "pull_request_template.md").read_text(encoding="utf-8")
    assert len(re.findall(r"^- \[ \] ", text, re.M)) >= 5
    assert "passerelle check" in text


def test_maintainers_acceptance_check_passes():
    """The maintainers' own check (shared/acceptance/lib/workflow_checks.py), where it is present."""
    script = ROOT.parent / "shared" / "acceptance" / "lib" / "workflow_checks.py"
    zizmor = BIN / "zizmor"
    if not script.exists() or not zizmor.exists():
        pytest.skip("the acceptance checks or zizmor are not available here")
    r = subprocess.run([sys.executable, str(script), str(ROOT), str(zizmor)], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
