"""The Kibana saved objects (`mappings/kibana_objects.ndjson`) and their import request.

The objects are checked against the index templates in `mappings/`: every field a control,
Lens column, saved-search column or sort uses must exist, with an aggregatable type where
Kibana aggregates or sorts on it. Kibana cannot run on these machines, so the import request is
verified against a local HTTP stub standing in for Kibana (`tests/kibana_stub.py`), here and
only here; everything else runs against real services.
"""

from __future__ import annotations

import base64
import json
import logging
import re
from importlib.resources import files
from typing import Any

import pytest

from flows.config import Settings
from flows.es.indices import aliases
from flows.es.templates import load_mapping
from flows.ops.kibana import (
    KibanaError,
    import_saved_objects,
    load_saved_objects,
    to_ndjson,
    wait_for_kibana,
)
from tests.kibana_stub import KibanaStub, closed_port_url

RAW = files("mappings").joinpath("kibana_objects.ndjson").read_text(encoding="utf-8")
OBJECTS = [json.loads(line) for line in RAW.splitlines()]
BY_ID = {obj["id"]: obj for obj in OBJECTS}
AGGREGATABLE = {
    "keyword",
    "constant_keyword",
    "date",
    "date_nanos",
    "boolean",
    "ip",
    "long",
    "integer",
    "short",
    "byte",
    "double",
    "float",
    "half_float",
    "scaled_float",
    "unsigned_long",
}
DASHBOARD_ATTRIBUTES = {  # Kibana's dashboard schema forbids unknown attributes
    "title",
    "description",
    "kibanaSavedObjectMeta",
    "timeRestore",
    "timeFrom",
    "timeTo",
    "refreshInterval",
    "controlGroupInput",
    "panelsJSON",
    "optionsJSON",
    "hits",
    "version",
}
SEARCH_ATTRIBUTES = {
    "title",
    "description",
    "columns",
    "sort",
    "grid",
    "rowHeight",
    "rowsPerPage",
    "hideChart",
    "breakdownField",
    "kibanaSavedObjectMeta",
    "isTextBasedQuery",
    "usesAdHocDataView",
    "timeRestore",
    "timeRange",
    "refreshInterval",
    "viewMode",
    "hideAggregatedPreview",
    "sampleSize",
    "headerRowHeight",
    "visContext",
    "density",
}
CONTROL_FIELDS = {"outlet.name", "entities.person", "entities.org", "entities.place", "authors"}


def of_type(kind: str) -> list[dict[str, Any]]:
    return [obj for obj in OBJECTS if obj["type"] == kind]


def ref(obj: dict[str, Any], name: str) -> dict[str, Any]:
    found = [r for r in obj["references"] if r["name"] == name]
    assert len(found) == 1, f"{obj['id']}: {len(found)} references named {name!r}"
    return found[0]


def field_mapping(data_view_id: str, path: str) -> dict[str, Any] | None:
    """The mapping of a field of the data view's index template (objects and multi-fields)."""
    kind = BY_ID[data_view_id]["attributes"]["title"].rsplit("-", 1)[1]
    node: dict[str, Any] = {
        "properties": load_mapping(f"{kind}.json")["template"]["mappings"]["properties"]
    }
    for part in path.split("."):
        children = {**node.get("properties", {}), **node.get("fields", {})}
        if part not in children:
            return None
        node = children[part]
    return node


def assert_aggregatable(data_view_id: str, path: str, *, types: set[str] = AGGREGATABLE) -> None:
    mapping = field_mapping(data_view_id, path)
    assert mapping is not None, f"{path} is not in the {data_view_id} index template"
    assert mapping.get("type") in types, f"{path} is {mapping.get('type')}, not one of {types}"
    assert mapping.get("doc_values", True), f"{path} has no doc values to aggregate on"


def test_field_resolution_follows_objects_and_multi_fields() -> None:
    assert field_mapping("newsindex-articles", "title.keyword")["type"] == "keyword"
    assert field_mapping("newsindex-articles", "outlet.name")["type"] == "keyword"
    assert field_mapping("newsindex-articles", "outlet.nope") is None
    assert field_mapping("newsindex-paragraphs", "url") is None
    with pytest.raises(AssertionError):
        assert_aggregatable("newsindex-articles", "title")  # text
    with pytest.raises(AssertionError):
        assert_aggregatable("newsindex-articles", "minhash")  # doc_values false


def test_every_line_is_one_saved_object_in_export_format() -> None:
    assert RAW.endswith("\n") and "\n\n" not in RAW
    for obj in OBJECTS:
        assert {
            "type",
            "id",
            "attributes",
            "references",
            "coreMigrationVersion",
            "typeMigrationVersion",
        } <= set(obj), obj.get("id")
        assert obj["coreMigrationVersion"] == "8.8.0"
        assert obj["id"].startswith("newsindex-"), "ids must carry the prefix to be rewritten"
    assert to_ndjson(OBJECTS).decode() == RAW


def test_ids_are_unique() -> None:
    assert len(BY_ID) == len(OBJECTS)


def test_the_promised_objects_are_there() -> None:
    names = aliases(Settings(_env_file=None))
    assert {dv["attributes"]["title"] for dv in of_type("index-pattern")} == set(names.names())
    assert {s["attributes"]["title"] for s in of_type("search")} == {"Articles", "Paragraphs"}
    assert [d["attributes"]["title"] for d in of_type("dashboard")] == ["News overview"]
    assert len(of_type("lens")) >= 4


def test_every_reference_resolves_to_an_object_of_its_type() -> None:
    for obj in OBJECTS:
        for reference in obj["references"]:
            target = BY_ID.get(reference["id"])
            assert target is not None, f"{obj['id']} -> missing {reference['id']}"
            assert target["type"] == reference["type"], f"{obj['id']} -> {reference}"


@pytest.mark.parametrize("dv", of_type("index-pattern"), ids=lambda dv: dv["id"])
def test_data_views(dv: dict[str, Any]) -> None:
    attributes = dv["attributes"]
    assert dv["id"] == attributes["title"]
    assert_aggregatable(dv["id"], attributes["timeFieldName"], types={"date"})
    assert attributes["timeFieldName"] == "timeline_at"  # every document has it
    for name in json.loads(attributes["fieldFormatMap"]):
        assert field_mapping(dv["id"], name) is not None, name
    for name in json.loads(attributes["fieldAttrs"]):
        assert field_mapping(dv["id"], name) is not None, name
    for source_filter in json.loads(attributes["sourceFilters"]):
        assert field_mapping(dv["id"], source_filter["value"]) is not None, source_filter


def test_the_source_url_is_a_link() -> None:
    formats = json.loads(BY_ID["newsindex-articles"]["attributes"]["fieldFormatMap"])
    assert formats["url"]["id"] == "url"
    assert formats["url"]["params"]["type"] == "a"


@pytest.mark.parametrize("search", of_type("search"), ids=lambda s: s["id"])
def test_saved_searches(search: dict[str, Any]) -> None:
    attributes = search["attributes"]
    assert set(attributes) <= SEARCH_ATTRIBUTES
    source = json.loads(attributes["kibanaSavedObjectMeta"]["searchSourceJSON"])
    data_view = ref(search, source["indexRefName"])["id"]
    assert source["query"]["language"] == "kuery"
    assert attributes["columns"]
    for column in attributes["columns"]:
        assert field_mapping(data_view, column) is not None, column
    assert attributes["sort"][0] == ["published_at", "desc"]
    for field, direction in attributes["sort"]:
        assert direction in {"asc", "desc"}
        assert_aggregatable(data_view, field)


def lens_layers(lens: dict[str, Any]) -> dict[str, Any]:
    return lens["attributes"]["state"]["datasourceStates"]["formBased"]["layers"]


@pytest.mark.parametrize("lens", of_type("lens"), ids=lambda lens: lens["id"])
def test_lens_layers_reference_data_views_and_use_aggregatable_fields(lens: dict[str, Any]) -> None:
    layers = lens_layers(lens)
    assert layers
    for layer_id, layer in layers.items():
        data_view = ref(lens, f"indexpattern-datasource-layer-{layer_id}")["id"]
        assert set(layer["columnOrder"]) == set(layer["columns"])
        for column in layer["columns"].values():
            if column["sourceField"] == "___records___":
                assert column["operationType"] == "count"
                continue
            kind = {"date"} if column["operationType"] == "date_histogram" else AGGREGATABLE
            assert_aggregatable(data_view, column["sourceField"], types=kind)
            if "sortField" in column.get("params", {}):
                assert_aggregatable(data_view, column["params"]["sortField"], types={"date"})
            order = column.get("params", {}).get("orderBy", {})
            if order.get("type") == "column":
                assert order["columnId"] in layer["columns"]
    visualization = lens["attributes"]["state"]["visualization"]
    columns = {c for layer in layers.values() for c in layer["columns"]}
    if lens["attributes"]["visualizationType"] == "lnsXY":
        for layer in visualization["layers"]:
            assert layer["layerId"] in layers
            used = [*layer["accessors"], layer["xAccessor"], layer.get("splitAccessor")]
            assert {c for c in used if c} <= columns
    else:
        assert visualization["layerId"] in layers
        assert {c["columnId"] for c in visualization["columns"]} == columns


def test_lens_covers_time_entities_and_story_groups() -> None:
    fields = {
        (column["operationType"], column["sourceField"])
        for lens in of_type("lens")
        for layer in lens_layers(lens).values()
        for column in layer["columns"].values()
    }
    assert ("date_histogram", "timeline_at") in fields
    for entity in ("entities.person", "entities.org", "entities.place", "story_id"):
        assert ("terms", entity) in fields


DASHBOARD = of_type("dashboard")[0]


def test_saved_searches_and_the_dashboard_open_on_a_window_of_decades() -> None:
    """Kibana's default of 15 minutes (and the old "last year") showed none of the 2024 samples."""
    windows = [
        (s["attributes"]["timeRange"]["from"], s["attributes"]["timeRange"]["to"])
        for s in of_type("search")
    ]
    windows.append((DASHBOARD["attributes"]["timeFrom"], DASHBOARD["attributes"]["timeTo"]))
    for search in of_type("search"):
        assert search["attributes"]["timeRestore"] is True
        assert set(search["attributes"]["refreshInterval"]) == {"pause", "value"}
    assert DASHBOARD["attributes"]["timeRestore"] is True
    for start, end in windows:
        years = re.fullmatch(r"now-(\d+)y", start)
        assert years and int(years.group(1)) >= 30 and end == "now", (start, end)


def test_dashboard_attributes_are_kibana_schema_attributes() -> None:
    assert set(DASHBOARD["attributes"]) <= DASHBOARD_ATTRIBUTES
    assert DASHBOARD["typeMigrationVersion"] == "10.2.0"


def test_dashboard_panels_resolve_through_references_and_fit_the_grid() -> None:
    panels = json.loads(DASHBOARD["attributes"]["panelsJSON"])
    cells: set[tuple[int, int]] = set()
    used = set()
    for panel in panels:
        index = panel["panelIndex"]
        assert panel["gridData"]["i"] == index
        assert panel["panelRefName"] == f"panel_{index}"
        reference = ref(DASHBOARD, f"{index}:{panel['panelRefName']}")
        assert reference["type"] == panel["type"] == BY_ID[reference["id"]]["type"]
        used.add(reference["id"])
        grid = panel["gridData"]
        assert grid["x"] >= 0 and grid["x"] + grid["w"] <= 48
        mine = {
            (x, y)
            for x in range(grid["x"], grid["x"] + grid["w"])
            for y in range(grid["y"], grid["y"] + grid["h"])
        }
        assert not cells & mine, f"panel {index} overlaps another"
        cells |= mine
    assert used == {obj["id"] for obj in of_type("lens")} | {"newsindex-search-articles"}


def test_dashboard_controls_are_options_lists_on_aggregatable_fields() -> None:
    group = DASHBOARD["attributes"]["controlGroupInput"]
    controls = json.loads(group["panelsJSON"])
    assert {c["explicitInput"]["fieldName"] for c in controls.values()} == CONTROL_FIELDS
    assert sorted(c["order"] for c in controls.values()) == list(range(len(controls)))
    for control_id, control in controls.items():
        assert control["type"] == "optionsListControl"
        assert control["explicitInput"]["id"] == control_id
        data_view = ref(DASHBOARD, f"controlGroup_{control_id}:optionsListDataView")["id"]
        assert BY_ID[data_view]["type"] == "index-pattern"
        assert_aggregatable(data_view, control["explicitInput"]["fieldName"])
    control_refs = {r["name"] for r in DASHBOARD["references"] if r["name"].startswith("control")}
    assert control_refs == {f"controlGroup_{cid}:optionsListDataView" for cid in controls}


def test_another_prefix_rewrites_ids_references_and_titles() -> None:
    assert load_saved_objects() == OBJECTS
    objects = load_saved_objects("other")
    assert "newsindex" not in json.dumps(objects)
    ids = {obj["id"]: obj["type"] for obj in objects}
    assert len(ids) == len(objects)
    for obj in objects:
        for reference in obj["references"]:
            assert ids[reference["id"]] == reference["type"]
    titles = {obj["attributes"]["title"] for obj in objects if obj["type"] == "index-pattern"}
    assert titles == {"other-articles", "other-paragraphs"}
    assert "News overview [other]" in {obj["attributes"]["title"] for obj in objects}


# --- the import request, against the stub --------------------------------------------------


def kibana_settings(url: str, **extra: Any) -> Settings:
    return Settings(_env_file=None, kibana_url=url, index_prefix="stubbed", **extra)


def test_import_request_matches_kibanas_documented_api(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    settings = kibana_settings("", kibana_username="elastic", kibana_password="s3cret-pw")
    with KibanaStub() as kibana:
        settings = settings.model_copy(update={"kibana_url": kibana.url + "/"})
        result = import_saved_objects(settings)
    [request] = kibana.requests
    assert request.method == "POST"
    assert request.path == "/api/saved_objects/_import"
    assert request.query == {"overwrite": ["true"]}
    assert request.headers["kbn-xsrf"] == "true"
    assert request.headers["content-type"].startswith("multipart/form-data; boundary=")
    expected = "Basic " + base64.b64encode(b"elastic:s3cret-pw").decode()
    assert request.headers["authorization"] == expected
    [part] = request.parts()
    assert part.get_param("name", header="content-disposition") == "file"
    assert part.get_filename().endswith(".ndjson")
    lines = part.get_payload(decode=True).decode().splitlines()
    assert [json.loads(line) for line in lines] == load_saved_objects("stubbed")
    assert result.success_count == len(OBJECTS)
    assert "dashboard stubbed-dashboard-overview" in result.imported
    assert "s3cret-pw" not in caplog.text


def test_the_stub_refuses_what_kibana_refuses() -> None:
    """Guards the stub itself: a request Kibana would reject must not pass here."""
    import httpx

    with KibanaStub() as kibana:
        path = kibana.url + "/api/saved_objects/_import"
        no_xsrf = httpx.post(path, files={"file": ("a.ndjson", b"{}")})
        wrong_name = httpx.post(path, headers={"kbn-xsrf": "1"}, files={"f": ("a.ndjson", b"")})
        wrong_ext = httpx.post(path, headers={"kbn-xsrf": "1"}, files={"file": ("a.json", b"")})
    assert (no_xsrf.status_code, wrong_name.status_code, wrong_ext.status_code) == (400, 400, 415)


def test_unreachable_kibana_is_one_line_naming_the_setting() -> None:
    with pytest.raises(KibanaError) as caught:
        import_saved_objects(kibana_settings(closed_port_url()))
    message = str(caught.value)
    assert "NEWSINDEX_KIBANA_URL" in message and "\n" not in message


def test_http_error_reports_status_and_kibanas_message() -> None:
    answer = (500, {"statusCode": 500, "error": "Internal Server Error", "message": "disk full"})
    with KibanaStub(import_answer=answer) as kibana, pytest.raises(KibanaError) as caught:
        import_saved_objects(kibana_settings(kibana.url))
    assert "HTTP 500" in str(caught.value) and "disk full" in str(caught.value)


def test_unauthorized_points_at_the_credentials() -> None:
    answer = (401, {"statusCode": 401, "error": "Unauthorized", "message": "Unauthorized"})
    with KibanaStub(import_answer=answer) as kibana, pytest.raises(KibanaError) as caught:
        import_saved_objects(kibana_settings(kibana.url, kibana_password="hunter2"))
    assert "NEWSINDEX_KIBANA_PASSWORD" in str(caught.value)
    assert "hunter2" not in str(caught.value)


def test_failed_objects_are_listed() -> None:
    answer = (
        200,
        {
            "success": False,
            "successCount": 8,
            "errors": [
                {
                    "id": "stubbed-lens-top-people",
                    "type": "lens",
                    "title": "Top people",
                    "error": {
                        "type": "missing_references",
                        "references": [{"type": "index-pattern", "id": "stubbed-articles"}],
                    },
                },
                {
                    "id": "stubbed-dashboard-overview",
                    "type": "dashboard",
                    "title": "News overview",
                    "error": {"type": "unknown", "message": "boom"},
                },
            ],
        },
    )
    with KibanaStub(import_answer=answer) as kibana, pytest.raises(KibanaError) as caught:
        import_saved_objects(kibana_settings(kibana.url))
    message = str(caught.value)
    assert "2 failed" in message
    assert "lens stubbed-lens-top-people (Top people): missing_references" in message
    assert "index-pattern stubbed-articles" in message
    assert "boom" in message


def test_wait_for_kibana_polls_until_available() -> None:
    with KibanaStub(status_levels=("unavailable", "degraded", "available")) as kibana:
        version = wait_for_kibana(kibana_settings(kibana.url), timeout=10, interval=0.05)
    assert version == "9.2.0"
    assert [r.path for r in kibana.requests] == ["/api/status"] * 3


def test_wait_for_kibana_gives_up_after_the_timeout() -> None:
    with KibanaStub(status_levels=("unavailable",)) as kibana, pytest.raises(KibanaError) as caught:
        wait_for_kibana(kibana_settings(kibana.url), timeout=0.3, interval=0.05)
    assert "not available" in str(caught.value) and "unavailable" in str(caught.value)
