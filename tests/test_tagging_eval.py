"""The tagger against the labelled set tests/tagging/eval.yml (issue 14): the set's shape, its fixed split,
and the goals on the test split. `passerelle bench --only tagging` prints the same tables."""
import importlib.util
import sys
from pathlib import Path

import pytest

from passerelle.vocabulary import load_vocabulary

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).parent / "tagging"


def _module(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


bench = _module(ROOT / "benchmarks" / "tagging_bench.py", "tagging_bench")
split = _module(HERE / "split.py", "tagging_split")
ITEMS = bench.load_items()


def test_set_is_large_bilingual_and_labelled_with_known_concepts():
    assert len(ITEMS) >= 100
    fr = sum(i["lang"] == "fr" for i in ITEMS)
    assert fr * 2 >= len(ITEMS), "at least half the texts are French"
    assert len({i["id"] for i in ITEMS}) == len(ITEMS)
    known = {(c.facet, c.id) for c in load_vocabulary().concepts}
    kinds = set()
    for item in ITEMS:
        kinds.add(item["kind"])
        assert ("text" in item) != ("source" in item), item["id"]
        assert bench.item_text(item).strip(), item["id"]
        must, allowed = bench.labels(item, "must"), bench.labels(item, "allowed")
        assert must | allowed <= known, f"{item['id']}: unknown labels {(must | allowed) - known}"
        assert not must & allowed, f"{item['id']}: a label is both must and allowed"
        assert set(item.get("must") or {}) | set(item.get("allowed") or {}) <= set(bench.FACETS)
    assert kinds >= {"seed", "worker", "manager", "researcher", "query", "brief"}


def test_split_is_the_fixed_rule_and_thirty_percent():
    expected = split.expected_splits(ITEMS)
    assert {i["id"]: i["split"] for i in ITEMS} == expected
    for lang in ("en", "fr"):
        mine = [i for i in ITEMS if i["lang"] == lang]
        share = sum(i["split"] == "test" for i in mine) / len(mine)
        assert 0.27 <= share <= 0.33, (lang, share)


@pytest.fixture(scope="module")
def result():
    return bench.run(("train", "test"))


def test_goals_on_the_test_split(result):
    table = result["test"]["table"]
    print("\n" + "\n".join(bench.format_table("test", result["test"])))
    assert table["all"]["precision"] >= 0.85
    assert table["all"]["recall"] >= 0.80
    for facet in bench.FACETS:
        for lang in ("en", "fr"):
            cell = table.get(f"{facet}/{lang}")
            if cell and cell["must"]:
                assert cell["recall"] >= 0.70, (facet, lang, cell)
    assert result["test"]["misses"] == []


def test_report_has_every_facet_and_language_on_both_splits(result):
    for name in ("train", "test"):
        rows = bench.format_table(name, result[name])
        for facet in bench.FACETS:
            for lang in ("en", "fr"):
                assert any(r.startswith(f"| {facet} | {lang} |") for r in rows), (name, facet, lang)
        assert all(k in result[name]["table"]["all"] for k in ("precision", "recall", "f1"))


def test_readme_explains_the_labelling():
    text = (HERE / "README.md").read_text(encoding="utf-8")
    for needle in ("must", "allowed", "split", "before", "passerelle bench --only tagging"):
        assert needle in text


def test_bench_command_only_tagging(tmp_path, capsys):
    import argparse
    import json

    from passerelle.commands import bench as command

    parser = argparse.ArgumentParser()
    command.configure(parser)
    out = tmp_path / "tagging.json"
    args = parser.parse_args(["--only", "tagging", "--json", str(out), "--root", str(ROOT)])
    assert command.run(args) == 0  # 0: the goals hold on the test split
    data = json.loads(out.read_text(encoding="utf-8"))
    assert set(data) == {"train", "test"} and data["test"]["items"] == sum(i["split"] == "test" for i in ITEMS)
    assert "| theme | fr |" in capsys.readouterr().out
    assert parser.parse_args([]).only is None  # no --only: every benchmark (benchmarks/scale_bench.py)
