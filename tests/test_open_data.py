"""Open data: the catalogue (JSON, CSV), the pilots and their 360Giving-style grants, each valid against
the JSON Schema published beside it, and documented on the Open data page in both languages."""
from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

from conftest import REPO
from opendata_fixtures import AMOUNT_PILOT, FUNDED_PILOT, SEED_PILOT, SITE_URL, built_once

DATA_FILES = {"catalogue.json": "catalogue", "pilots.json": "pilots", "pilots-360giving.json": "pilots-360giving"}


@pytest.fixture(scope="session")
def published(tmp_path_factory) -> Path:
    return built_once(tmp_path_factory, SITE_URL)


@pytest.fixture(scope="session")
def local(tmp_path_factory) -> Path:
    return built_once(tmp_path_factory, None)


def validator(site: Path, name: str) -> jsonschema.Draft202012Validator:
    schema = json.loads((site / "data" / "schemas" / f"{name}.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def csv_rows(site: Path) -> list[dict[str, str]]:
    raw = (site / "data" / "catalogue.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM spreadsheet programs need to read UTF-8
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def content_ids(kind: str, root: Path = REPO) -> set[str]:
    return {re.sub(r"\.(en|fr)\.md$", "", p.name) for p in (root / "content" / kind).glob("*.md")}


@pytest.mark.parametrize("which", ["published", "local"])
def test_every_published_data_file_matches_its_schema(which, request):
    site = request.getfixturevalue(which)
    for file, schema in DATA_FILES.items():
        data = json.loads((site / "data" / file).read_text(encoding="utf-8"))
        errors = [f"{file} {list(e.path)}: {e.message}" for e in validator(site, schema).iter_errors(data)]
        assert errors == []
    rows = csv_rows(site)
    row_schema = validator(site, "catalogue-csv")
    assert [f"row {n}: {e.message}" for n, row in enumerate(rows) for e in row_schema.iter_errors(row)] == []


def test_the_schemas_refuse_what_they_should(published):
    """The schemas are not a formality: a record without its id, an invented zero amount, a grant that
    claims an amount it does not have, an address pointing at localhost are refused."""
    catalogue = json.loads((published / "data" / "catalogue.json").read_text(encoding="utf-8"))
    del catalogue["items"][0]["id"]
    assert not validator(published, "catalogue").is_valid(catalogue)
    pilots = json.loads((published / "data" / "pilots.json").read_text(encoding="utf-8"))
    pilots["pilots"][0]["amount"] = {"value": 0, "currency": "CAD"}
    assert not validator(published, "pilots").is_valid(pilots)
    grants = json.loads((published / "data" / "pilots-360giving.json").read_text(encoding="utf-8"))
    without = next(g for g in grants["grants"] if "amountAwarded" not in g)
    without["notReported"].remove("amountAwarded")
    assert not validator(published, "pilots-360giving").is_valid(grants)
    row = csv_rows(published)[0] | {"path_en": "/briefs/x/"}
    assert not validator(published, "catalogue-csv").is_valid(row)


def test_catalogue_lists_every_brief_and_pilot_with_both_addresses(published, local):
    for site, base in ((published, SITE_URL), (local, "")):
        items = json.loads((site / "data" / "catalogue.json").read_text(encoding="utf-8"))["items"]
        assert {i["id"] for i in items if i["kind"] == "brief"} == content_ids("briefs")
        assert {i["id"] for i in items if i["kind"] == "pilot"} == content_ids("pilots") | {AMOUNT_PILOT}
        assert len(content_ids("pilots")) >= 4
        for item in items:
            for lang in ("en", "fr"):
                block = item[lang]
                assert (site / block["path"] / "index.html").is_file(), block["path"]
                assert block["available"] == (lang in item["languages"])
                assert block.get("url") == (base + block["path"] if base else None)
                for view in block.get("views", {}).values():
                    assert (site / view["path"] / "index.html").is_file()
        brief = next(i for i in items if i["id"] == "pooling-client-data-toronto-east-quadrant")
        assert brief["en"]["title"].startswith("Can a Local Immigration Partnership") and brief["fr"]["title"]
        assert {"id": "CA-ON", "label": "Ontario"} in brief["en"]["regions"] or brief["regions"]  # tags from enrichment
        assert set(brief["audiences"]) == {"frontline", "managers", "funders", "researchers"}
        amount = next(i for i in items if i["id"] == AMOUNT_PILOT)
        assert amount["languages"] == ["en"] and amount["fr"] == {"available": False, "path": f"fr/pilots/{AMOUNT_PILOT}/",
                                                                  **({"url": f"{base}fr/pilots/{AMOUNT_PILOT}/"} if base else {})}


def test_csv_holds_the_same_catalogue(published):
    items = json.loads((published / "data" / "catalogue.json").read_text(encoding="utf-8"))["items"]
    rows = csv_rows(published)
    assert [(r["kind"], r["id"]) for r in rows] == [(i["kind"], i["id"]) for i in items]
    for row, item in zip(rows, items):
        assert row["title_fr"] == item["fr"].get("title", "") and row["path_en"] == item["en"]["path"]
        assert row["topics"].split("; ") == item["topics"] or (row["topics"] == "" and item["topics"] == [])
        assert row["url_fr"] == item["fr"].get("url", "")


def test_pilots_as_grants_never_invent_a_value(published):
    grants = {g["id"]: g for g in json.loads((published / "data" / "pilots-360giving.json").read_text(encoding="utf-8"))["grants"]}
    assert set(grants) == {f"passerelle-pilot-{i}" for i in content_ids("pilots") | {AMOUNT_PILOT}}
    seed = grants[f"passerelle-pilot-{SEED_PILOT}"]
    for absent in ("amountAwarded", "currency", "plannedDates", "fundingOrganization", "grantProgramme", "awardDate"):
        assert absent not in seed, absent
    assert {"amountAwarded", "currency", "awardDate", "fundingOrganization"} <= set(seed["notReported"])
    assert seed["recipientOrganization"] == [{"name": "Toronto East Quadrant Local Immigration Partnership (LIP)"}]
    assert seed["beneficiaryLocation"] == [{"name": "Ontario", "countryCode": "CA", "geoCode": "CA-ON", "geoCodeType": "ISO 3166-2"}]
    assert {d["language"]: d["url"] for d in seed["relatedDocument"]} == {
        "en": f"{SITE_URL}pilots/{SEED_PILOT}/", "fr": f"{SITE_URL}fr/pilots/{SEED_PILOT}/"}
    funded = grants[f"passerelle-pilot-{FUNDED_PILOT}"]
    assert funded["fundingOrganization"] == [{"name": "Immigration, Refugees and Citizenship Canada (IRCC)"}]
    assert funded["beneficiaryLocation"] == [{"name": "Canada", "countryCode": "CA"}]
    assert "fundingOrganization/0/id" in funded["notReported"] and "fundingOrganization" not in funded["notReported"]
    stated = grants[f"passerelle-pilot-{AMOUNT_PILOT}"]
    assert (stated["amountAwarded"], stated["currency"]) == (250000, "CAD")
    assert stated["plannedDates"] == [{"startDate": "2020-04-01"}] and "amountAwarded" not in stated["notReported"]
    assert all("awardDate" not in g for g in grants.values())
    pilots = {p["id"]: p for p in json.loads((published / "data" / "pilots.json").read_text(encoding="utf-8"))["pilots"]}
    assert pilots[SEED_PILOT]["amount"] is None and pilots[SEED_PILOT]["start"] is None and pilots[SEED_PILOT]["funder"] is None
    assert pilots[SEED_PILOT]["as_of"] == "2019-03"
    assert pilots[AMOUNT_PILOT]["amount"] == {"value": 250000, "currency": "CAD"}
    assert pilots["nurse-family-partnership-client-feedback"]["status"] is None  # not stated in the seeds
    assert len(pilots["nurse-family-partnership-client-feedback"]["fr"]["outcomes"]) == 2
    assert pilots[SEED_PILOT]["fr"]["title"] and pilots[SEED_PILOT]["fr"]["title"] != pilots[SEED_PILOT]["en"]["title"]


def test_data_files_name_their_schema_and_licence(published, local):
    for site, base in ((published, SITE_URL), (local, "")):
        for file, schema in DATA_FILES.items():
            data = json.loads((site / "data" / file).read_text(encoding="utf-8"))
            assert data["licence"]["id"] == "CC-BY-4.0"
            assert data["$schema"] == (f"{base}data/schemas/{schema}.schema.json" if base else f"schemas/{schema}.schema.json")
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", data["date"])


def test_open_data_page_documents_every_file_and_field_in_both_languages(published):
    spec = yaml.safe_load((REPO / "scripts/passerelle/data/open_data.yml").read_text(encoding="utf-8"))["files"]
    for entry in spec:
        schema = json.loads((published / "data" / "schemas" / f"{entry['schema']}.schema.json").read_text(encoding="utf-8"))
        record = schema["properties"][entry["record"]]["items"] if entry.get("record") else schema
        assert set(entry["fields"]) == set(record["properties"]), entry["file"]
    for lang, prefix in (("en", ""), ("fr", "fr/")):
        page = (published / prefix / "data" / "index.html").read_text(encoding="utf-8")
        assert f'<html lang="{lang}"' in page and "CC BY 4.0" in page
        for entry in spec:
            assert f"<code>{next(iter(entry['fields']))}</code>" in page
        article = page.split("<article", 1)[1].split("</article>", 1)[0]
        hrefs = re.findall(r'href="([^"#][^"]*\.(?:json|csv|xml))"', article)
        assert len(hrefs) == 2 * len(spec) + 5  # each file and its schema; the language's feed and 4 audiences'
        for href in hrefs:
            assert ((published / prefix / "data") / href).resolve().is_file(), href
        about = (published / prefix / "about" / "index.html").read_text(encoding="utf-8")
        assert 'href="../data/"' in about


@pytest.mark.parametrize("items", [
    [],
    [{"title": "Logement\nd'abord", "tags": [], "nested": {"b": [1, {"c": None}], "a": "é"}}],
    [{}, [], "text", 3.5, {"deep": [[{"x": []}]]}],
])
def test_a_list_written_one_item_at_a_time_gives_the_bytes_of_the_whole(items):
    """The catalogue is written item by item (``StreamedJson``): the same bytes as the whole document dumped
    at once, whatever the items hold."""
    from passerelle.exports.open_data import StreamedJson, json_bytes

    head = {"licence": {"id": "CC-BY-4.0"}, "$schema": "schemas/catalogue.schema.json", "date": "2024-05-01"}
    streamed = StreamedJson(head, "items")
    for item in items:
        streamed.add(item)
    assert streamed.bytes() == json_bytes({**head, "items": items})
