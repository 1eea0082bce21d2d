"""The HTTP service: every endpoint answers as the library does, every error is a clean 4xx."""

from __future__ import annotations

import csv
import dataclasses
import http.client
import io
import json
import logging
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

import corridor
from corridor.cli import app
from corridor.routing.batch import MANY_COLUMNS
from corridor.routing.frontier import PARETO_SKIPS
from corridor.web import Settings, create_app
from corridor.web.models import LOCAL_FILES
from corridor.web.settings import API_KEY_HEADER

ROOT = Path(__file__).parents[1]
DEMAND = ROOT / "data" / "demand" / "sample_2026.csv"
KUNMING_HANOI = {"origin": "Kunming", "destination": "Hanoi"}


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app(Settings()), raise_server_exceptions=False)


def _error(response, status: int, error: str) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["error"] == error, body
    assert "\n" not in body["message"] and "Traceback" not in body["message"]
    return body


# --- every endpoint answers as the library ---------------------------------------------


def test_quote_is_the_librarys_quote(client, network):
    body = {**KUNMING_HANOI, "teu": 2, "deadline": "3d", "cargo": "reefer"}
    response = client.post("/quote", json=body)
    assert response.status_code == 200, response.text
    expected = corridor.quote("Kunming", "Hanoi", teu=2, deadline="3d", cargo="reefer")
    assert response.json() == json.loads(json.dumps(expected.to_dict()))
    three = client.post("/quote", json={**KUNMING_HANOI, "alternatives": 3}).json()
    assert [q["totals"]["cost_usd"] for q in three] == [
        round(q.cost_usd, 2) for q in corridor.quote("Kunming", "Hanoi", alternatives=3)
    ]


def test_pareto_is_the_librarys_front(client):
    response = client.post("/pareto", json={**KUNMING_HANOI, "objectives": ["cost", "time"]})
    assert response.status_code == 200, response.text
    front = corridor.pareto("Kunming", "Hanoi")
    assert response.json() == [json.loads(json.dumps(q.to_dict())) for q in front]
    assert len(front) > 1
    refused = client.post("/pareto", json={**KUNMING_HANOI, "objective": "time"})
    assert "unknown field(s) objective" in _error(refused, 422, "InvalidRequestError")["message"]


def test_quote_many_streams_one_row_per_request_from_json_or_csv(client):
    rows = [
        KUNMING_HANOI,
        {"origin": "Kunming", "destination": "Atlantis"},
        {"origin": "Kunming", "destination": "Hanoi", "teu": "x"},
        {"origin": "Kunming", "destination": "Hai Phong", "teu": 2},
    ]
    response = client.post("/quote-many", json=rows)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/x-ndjson"
    got = [json.loads(line) for line in response.text.splitlines()]
    expected = corridor.quote_many(rows)
    assert [r["status"] for r in got] == expected["status"].tolist()
    assert [r["status"] for r in got] == ["ok", "UnknownPlaceError", "InvalidRequestError", "ok"]
    assert got[3]["cost_usd"] == pytest.approx(expected["cost_usd"][3])
    assert list(got[0]) == MANY_COLUMNS
    text = "origin,destination,teu\nKunming,Hanoi,2\nKunming,Hai Phong,\n"
    as_csv = client.post(
        "/quote-many", params={"format": "csv"}, content=text, headers={"content-type": "text/csv"}
    )
    assert as_csv.status_code == 200 and as_csv.headers["content-type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert [r["status"] for r in table] == ["ok", "ok"]
    assert float(table[0]["cost_usd"]) == pytest.approx(2 * float(table[1]["cost_usd"]), 0.05)


def test_quote_many_caps_each_rows_solver_time_and_draws(client):
    rows = [
        {**KUNMING_HANOI, "alternatives": 2},
        {**KUNMING_HANOI, "samples": 10**9},
        {**KUNMING_HANOI, "time_limit_s": 10**6},
    ]
    got = [json.loads(line) for line in client.post("/quote-many", json=rows).text.splitlines()]
    assert [r["status"] for r in got] == ["InvalidRequestError", "InvalidRequestError", "ok"]
    assert "samples must be at most 100,000 on this server" in got[1]["message"]
    assert got[1]["origin"] == "Kunming"


def test_plan_is_the_librarys_plan(client):
    demand = pd.read_csv(DEMAND).to_dict("records")
    response = client.post("/plan", json={"demand": demand, "method": "arcs"})
    assert response.status_code == 200, response.text
    expected = corridor.plan(DEMAND, method="arcs")
    assert response.json()["totals"] == pytest.approx(expected.to_dict()["totals"])
    assert response.json()["routes"] == json.loads(json.dumps(expected.to_dict()["routes"]))
    bad = client.post("/plan", json={"demand": [{"origin": "Kunming", "destination": "Hanoi"}]})
    assert "teu_per_day" in _error(bad, 422, "DataError")["message"]


def test_places_gates_network_and_health(client, network):
    found = client.get("/places", params={"q": "老街"}).json()
    assert found["match"] == "lao_cai" and found["places"][0]["name_vi"] == "Lào Cai"
    close = client.get("/places", params={"q": "Lao Kai"}).json()
    assert close["match"] is None and close["places"][0]["id"] == "lao_cai"  # did you mean
    every = client.get("/places").json()
    assert {p["id"] for p in every["places"]} == set(network.places)
    assert client.get("/gates").json() == json.loads(json.dumps(network.gate_records()))
    july = client.get("/gates", params={"month": 7}).json()
    assert (
        july == json.loads(json.dumps(network.gate_records(7)))
        and july != client.get("/gates").json()
    )
    geojson = client.get("/network").json()
    assert geojson["type"] == "FeatureCollection"
    kinds = pd.Series([f["properties"]["layer"] for f in geojson["features"]]).value_counts()
    assert kinds["place"] == len(network.places)
    assert kinds["link"] == len(network.legs) + len(network.crossings)
    health = client.get("/health").json()
    assert health["status"] == "ok" and 2026 in health["years_loaded"]
    assert health["api_key_required"] is False


def test_the_network_is_loaded_once_and_shared():
    app = create_app(Settings())
    client = TestClient(app)
    for _ in range(3):
        assert client.post("/quote", json=KUNMING_HANOI).status_code == 200
    networks = app.state.networks
    assert networks.get(2026) is networks.get(2026) is corridor.load_network(2026)
    assert client.get("/health").json()["years_loaded"] == [2026]


def test_the_openapi_document_is_the_librarys_contract(client):
    spec = client.get("/openapi.json").json()
    assert set(spec["paths"]) == {
        "/quote",
        "/pareto",
        "/quote-many",
        "/plan",
        "/places",
        "/gates",
        "/network",
        "/health",
    }
    schemas = spec["components"]["schemas"]
    quote_fields = [
        f.name for f in dataclasses.fields(corridor.QuoteRequest) if f.name not in LOCAL_FILES
    ]  # but a file on the server (a rate card)
    assert list(schemas["QuoteBody"]["properties"]) == quote_fields
    assert schemas["QuoteBody"]["additionalProperties"] is False
    pareto_fields = [f for f in quote_fields if f not in PARETO_SKIPS]
    assert list(schemas["ParetoBody"]["properties"]) == [*pareto_fields, "objectives"]
    plan_fields = [f.name for f in dataclasses.fields(corridor.PlanRequest)]
    assert list(schemas["PlanBody"]["properties"]) == [*plan_fields, "demand"]
    request_schema = corridor.schema.request_schema()
    for name, prop in request_schema["properties"].items():
        if name in LOCAL_FILES:
            continue
        assert schemas["QuoteBody"]["properties"][name]["description"] == prop["description"]
    assert set(schemas["QuoteDocument"]["properties"]) == set(
        corridor.schema.quote_schema()["properties"]
    )
    quoted = spec["paths"]["/quote"]["post"]["responses"]
    assert "QuoteDocument" in json.dumps(quoted["200"])
    assert {"400", "401", "404", "413", "422"} <= set(quoted)
    many = spec["paths"]["/quote-many"]["post"]["requestBody"]["content"]
    assert set(many) == {"application/json", "text/csv"}


# --- every error class: a clean 4xx, and the server keeps serving --------------------------


def test_an_unknown_place_is_404_with_suggestions(client):
    body = _error(
        client.post("/quote", json={"origin": "Kunming", "destination": "Lao Kai"}),
        404,
        "UnknownPlaceError",
    )
    assert body["suggestions"][0] == "lao_cai"
    assert body["message"].startswith("no place 'Lao Kai'; did you mean 'Lao Cai' (lao_cai)")
    printed = CliRunner().invoke(app, ["quote", "Kunming", "Lao Kai"])  # the CLI's one line
    assert printed.exit_code == 2 and printed.stderr == f"error: {body['message']}\n"
    later = _error(client.get("/places", params={"q": "Sa Pa"}), 404, "PlaceNotOpenError")
    assert later["message"].endswith("opens in 2030; use year 2030 or later")
    _error(client.get("/places", params={"q": "qqqzzz"}), 404, "UnknownPlaceError")


@pytest.mark.parametrize(
    ("body", "error", "message"),
    [
        ({**KUNMING_HANOI, "dedline": 5}, "InvalidRequestError", "did you mean 'deadline'"),
        ({**KUNMING_HANOI, "teu": "two"}, "InvalidRequestError", "teu: Input should be"),
        (
            {**KUNMING_HANOI, "teu": 0},
            "InvalidRequestError",
            "teu must be more than 0 and at most 10,000 TEU, got 0",
        ),
        ({**KUNMING_HANOI, "cargo": "gold"}, "InvalidRequestError", "cargo: Input should be"),
        ({**KUNMING_HANOI, "month": 13}, "InvalidRequestError", "month must be 1-12"),
        ({**KUNMING_HANOI, "year": 26}, "InvalidRequestError", "did you mean 2026?"),
        ({"origin": "Kunming"}, "InvalidRequestError", "destination: Field required"),
        ({**KUNMING_HANOI, "samples": 10**7}, "InvalidRequestError", "at most 100,000"),
        ({**KUNMING_HANOI, "confidence": 0.9}, "InvalidRequestError", "needs a deadline"),
        ({**KUNMING_HANOI, "modes": ["river"]}, "NoRouteError", "none of the modes allowed"),
        ({**KUNMING_HANOI, "deadline": 1}, "DeadlineError", "cannot be met"),
    ],
)
def test_invalid_or_infeasible_requests_are_422(client, body, error, message):
    answer = _error(client.post("/quote", json=body), 422, error)
    assert message in answer["message"]
    if error == "DeadlineError":
        assert answer["fastest"]["totals"]["planned_hours"] > 1
    assert client.post("/quote", json=KUNMING_HANOI).status_code == 200  # still serving


def test_a_search_stopped_by_the_time_limit_says_so(client):
    body = {**KUNMING_HANOI, "alternatives": 4, "time_limit_s": 0}
    answer = _error(client.post("/quote", json=body), 422, "SolverError")
    assert "time limit of 0 s reached" in answer["message"]


def test_the_time_limit_is_capped(monkeypatch):
    seen = []
    real = corridor.routing.search.Problem.build

    def build(request, *args, **kwargs):
        seen.append(request.time_limit_s)
        return real(request, *args, **kwargs)

    monkeypatch.setattr("corridor.routing.search.Problem.build", build)
    client = TestClient(create_app(Settings(max_time_limit_s=2)))
    for given in ({}, {"time_limit_s": 600}, {"time_limit_s": 1}):
        assert client.post("/quote", json={**KUNMING_HANOI, **given}).status_code == 200
    assert seen == [2, 2, 1]


@pytest.mark.parametrize(
    ("content", "error", "message"),
    [
        (b'{"origin": "Kunming", ', "MalformedJSON", "malformed JSON"),
        (
            b'{"origin": "Kunming", "destination": "Hanoi", "teu": NaN}',
            "InvalidRequestError",
            "finite",
        ),
        (
            b'{"origin": "Kunming", "destination": "Hanoi", "teu": Infinity}',
            "InvalidRequestError",
            "finite",
        ),
        (b"\xff\xfe", "MalformedJSON", "malformed JSON"),
        (b"[1, 2]", "InvalidRequestError", "Input should be a valid dictionary"),
    ],
)
def test_bodies_that_are_not_a_request(client, content, error, message):
    status = 400 if error == "MalformedJSON" else 422
    response = client.post("/quote", content=content, headers={"content-type": "application/json"})
    assert message in _error(response, status, error)["message"]
    assert client.get("/health").status_code == 200


def test_quote_many_refuses_bodies_that_are_not_tables(client):
    nan = b'[{"origin": "Kunming", "destination": "Hanoi", "teu": NaN}]'
    answer = _error(
        client.post("/quote-many", content=nan, headers={"content-type": "application/json"}),
        400,
        "MalformedJSON",
    )
    assert "NaN is not a JSON number" in answer["message"]
    _error(client.post("/quote-many", json={"origin": "Kunming"}), 422, "InvalidRequestError")
    ragged = "origin,destination\nKunming,Hanoi,5\n"
    answer = _error(
        client.post("/quote-many", content=ragged, headers={"content-type": "text/csv"}),
        422,
        "DataError",
    )
    assert answer["message"].startswith("the CSV body, line 2: 3 fields but the header has 2")
    _error(client.post("/quote-many", params={"year": 1999}, json=[]), 422, "InvalidRequestError")


def test_oversized_bodies_and_tables_are_413():
    client = TestClient(create_app(Settings(max_rows=100)))
    ten_mb = b"[" + b" " * 10_000_000 + b"]"
    answer = _error(
        client.post("/quote-many", content=ten_mb, headers={"content-type": "application/json"}),
        413,
        "TooLarge",
    )
    assert answer["message"] == "request body over 1,000,000 bytes (this server's limit)"

    def chunks():  # no Content-Length: counted as it is read
        for _ in range(20):
            yield b" " * 100_000

    response = client.post("/quote", content=chunks(), headers={"content-type": "application/json"})
    _error(response, 413, "TooLarge")
    rows = [KUNMING_HANOI] * 101
    answer = _error(client.post("/quote-many", json=rows), 413, "TooLarge")
    assert answer["message"] == "101 rows; this server quotes at most 100 a request"
    demand = [{"origin": "Kunming", "destination": "Hanoi", "teu_per_day": 1}] * 101
    _error(client.post("/plan", json={"demand": demand}), 413, "TooLarge")
    assert client.post("/quote-many", json=rows[:100]).status_code == 200


def test_a_hundred_thousand_row_quote_many_is_refused_at_once(client):
    """100,000 rows of CSV are well over the 1 MB body limit: refused before any is read."""
    text = "origin,destination\n" + "Kunming,Hanoi\n" * 100_000
    started = time.perf_counter()
    response = client.post("/quote-many", content=text, headers={"content-type": "text/csv"})
    _error(response, 413, "TooLarge")
    assert time.perf_counter() - started < 5
    assert client.post("/quote", json=KUNMING_HANOI).status_code == 200


def test_unknown_paths_and_methods_are_json(client):
    _error(client.get("/nowhere"), 404, "NotFound")
    _error(client.get("/quote"), 405, "MethodNotAllowed")


def test_a_bug_is_a_clean_500_that_is_logged(monkeypatch, client, caplog):
    def broken(*args, **kwargs):
        msg = "secret detail 42"
        raise ZeroDivisionError(msg)

    monkeypatch.setattr("corridor.web.api.quote", broken)
    with caplog.at_level(logging.ERROR, logger="corridor.web.errors"):
        answer = _error(client.post("/quote", json=KUNMING_HANOI), 500, "InternalError")
    assert "secret detail" not in answer["message"]  # the details are in the log, not the answer
    assert "ZeroDivisionError" in caplog.text
    monkeypatch.undo()
    assert client.post("/quote", json=KUNMING_HANOI).status_code == 200


# --- safe by default ---------------------------------------------------------------------------


def test_an_api_key_when_one_is_set():
    client = TestClient(create_app(Settings(api_key="s3cret")))
    _error(client.post("/quote", json=KUNMING_HANOI), 401, "Unauthorized")
    wrong = client.post("/quote", json=KUNMING_HANOI, headers={API_KEY_HEADER: "guess"})
    _error(wrong, 401, "Unauthorized")
    _error(client.get("/places", params={"q": "Hanoi"}), 401, "Unauthorized")
    right = client.post("/quote", json=KUNMING_HANOI, headers={API_KEY_HEADER: "s3cret"})
    assert right.status_code == 200
    assert client.get("/health").json()["api_key_required"] is True  # open: the page asks
    assert client.get("/").status_code == 200


def test_settings_from_the_environment():
    env = {
        "CORRIDOR_API_KEY": "k",
        "CORRIDOR_CORS_ORIGINS": "https://tms.example, https://b.example",
        "CORRIDOR_MAX_ROWS": "50",
        "CORRIDOR_MAX_TIME_LIMIT_S": "2.5",
    }
    settings = Settings.from_env(env, max_rows=70)
    assert settings.api_key == "k" and settings.max_rows == 70
    assert settings.cors_origins == ("https://tms.example", "https://b.example")
    assert settings.max_time_limit_s == 2.5 and settings.max_body_bytes == 1_000_000
    assert Settings.from_env({}) == Settings()
    with pytest.raises(corridor.InvalidRequestError, match="CORRIDOR_MAX_ROWS must be a number"):
        Settings.from_env({"CORRIDOR_MAX_ROWS": "many"})
    with pytest.raises(corridor.InvalidRequestError, match="max_rows must be a whole number"):
        Settings(max_rows=0)


def test_cors_is_off_unless_configured(client):
    origin = {"Origin": "https://tms.example"}
    assert "access-control-allow-origin" not in client.get("/health", headers=origin).headers
    allowed = TestClient(create_app(Settings(cors_origins=("https://tms.example",))))
    headers = allowed.get("/health", headers=origin).headers
    assert headers["access-control-allow-origin"] == "https://tms.example"


def test_the_page_uses_the_packaged_leaflet_and_no_cdn(client):
    page = client.get("/")
    assert page.status_code == 200 and "/leaflet/leaflet.js" in page.text
    assert '"rail_1435": "#' in page.text  # the maps' mode colours
    script = client.get("/static/page.js")
    assert script.status_code == 200
    for text in (page.text, script.text, client.get("/static/page.css").text):
        assert "https://" not in text and "http://" not in text
    assert client.get("/leaflet/leaflet.js").text.startswith("/* @preserve\n * Leaflet")


def test_import_corridor_and_the_cli_do_not_import_fastapi():
    probe = (
        "import sys, corridor, corridor.cli\n"
        "print([m for m in ('fastapi', 'uvicorn', 'starlette') if m in sys.modules])"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


# --- the real server -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen | None = None, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            pytest.fail(f"the server exited: {process.stderr.read()}")
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"{url} did not come up in {seconds} s")


def test_corridor_serve_quotes_over_http_on_loopback(tmp_path):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "CORRIDOR_API_KEY": "k3y"}
    command = "from corridor.cli import main; main()"
    process = subprocess.Popen(
        [sys.executable, "-c", command, "serve", "--port", str(port), "--log-level", "warning"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_until_up(url, process)
        body = json.dumps({"origin": "Côn Minh", "destination": "Hải Phòng", "teu": 2}).encode()
        post = urllib.request.Request(
            f"{url}/quote",
            data=body,
            headers={"Content-Type": "application/json", API_KEY_HEADER: "k3y"},
        )
        with urllib.request.urlopen(post, timeout=30) as response:
            answer = json.loads(response.read())
        expected = corridor.quote("Kunming", "Hai Phong", teu=2)
        assert answer["totals"]["cost_usd"] == round(expected.cost_usd, 2)
        assert answer["shipment"]["destination"] == "hai_phong"
        unauthorised = urllib.request.Request(f"{url}/quote", data=body, headers=post.headers)
        unauthorised.remove_header(API_KEY_HEADER.capitalize())
        with pytest.raises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(unauthorised, timeout=30)
        with caught.value as refused:
            assert refused.code == 401
            assert json.loads(refused.read())["error"] == "Unauthorized"
        _concurrent_quotes_agree_with_the_library(url, {API_KEY_HEADER: "k3y"})
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        ten_mb = b"[" + b" " * 10_000_000 + b"]"
        connection.request("POST", "/quote-many", ten_mb, {"Content-Type": "application/json"})
        refused = connection.getresponse()
        assert refused.status == 413 and json.loads(refused.read())["error"] == "TooLarge"
        connection.close()
        with urllib.request.urlopen(post, timeout=30) as response:  # still serving
            assert response.status == 200
    finally:
        process.terminate()
        process.wait(timeout=30)
    with process.stderr:
        assert "corridor serving on http://127.0.0.1:" in process.stderr.read()


def test_serve_refuses_bad_settings_in_one_line(monkeypatch):
    wrong = CliRunner().invoke(app, ["serve", "--log-level", "loud"])
    assert wrong.exit_code == 2
    assert wrong.stderr == (
        "error: --log-level must be one of debug, info, warning, error, got 'loud'\n"
    )
    monkeypatch.setenv("CORRIDOR_MAX_ROWS", "many")
    wrong = CliRunner().invoke(app, ["serve"])
    assert wrong.exit_code == 2
    assert wrong.stderr == "error: CORRIDOR_MAX_ROWS must be a number, got 'many'\n"


def _concurrent_quotes_agree_with_the_library(url: str, headers: dict[str, str]) -> None:
    """8 clients at once, on service graphs not built yet (cargo classes, months, a deadline):
    the network is shared and every answer is the library's."""
    bodies = [
        {"origin": "Kunming", "destination": "Hai Phong", "cargo": cargo, "month": month}
        for cargo in ("reefer", "dangerous", "bulk", "general")
        for month in (3, 8)
    ]
    bodies += [{**b, "deadline": 72} for b in bodies]

    def post(body: dict) -> tuple[int, dict]:
        request = urllib.request.Request(
            f"{url}/quote",
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json", **headers},
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            with error:
                return error.code, json.loads(error.read())

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(post, bodies))
    assert sum(status == 200 for status, _ in answers) >= len(bodies) // 2
    for body, (status, answer) in zip(bodies, answers, strict=True):
        if status != 200:  # refused as the library refuses it
            with pytest.raises(corridor.CorridorError) as caught:
                corridor.quote(**body)
            assert (status, answer["message"]) == (422, str(caught.value)), body
            continue
        expected = corridor.quote(**body).to_dict()
        assert answer["totals"] == pytest.approx(expected["totals"]), body
        assert [s["ref"] for s in answer["steps"]] == [s["ref"] for s in expected["steps"]]


def test_serve_answers_on_the_data_folder_given(data_copy, edit_cell, tmp_path):
    edit_cell("tariffs.csv", 1, "fixed_usd_per_teu", "500")  # dearer standard-gauge rail
    client = TestClient(create_app(Settings(data_dir=data_copy)))
    answer = client.post("/quote", json=KUNMING_HANOI)
    assert answer.status_code == 200
    expected = corridor.quote("Kunming", "Hanoi", data_dir=data_copy)
    assert answer.json()["totals"]["cost_usd"] == round(expected.cost_usd, 2)
    assert expected.cost_usd != corridor.quote("Kunming", "Hanoi").cost_usd
    missing = CliRunner().invoke(app, ["serve", "--data", str(tmp_path / "nowhere")])
    assert missing.exit_code == 2
    assert missing.stderr.startswith("error: ") and "nowhere" in missing.stderr


def test_a_bug_in_quote_many_marks_its_rows_and_the_stream_goes_on(monkeypatch, client, caplog):
    real = corridor.web.api.quote_many
    calls = []

    def first_chunk_breaks(rows, **kwargs):
        calls.append(len(rows))
        if len(calls) == 1:
            msg = "secret detail 42"
            raise ZeroDivisionError(msg)
        return real(rows, **kwargs)

    monkeypatch.setattr("corridor.web.api.quote_many", first_chunk_breaks)
    monkeypatch.setattr("corridor.web.api.CHUNK_ROWS", 2)
    rows = [KUNMING_HANOI] * 3
    with caplog.at_level(logging.ERROR, logger="corridor.web.api"):
        response = client.post("/quote-many", json=rows)
    got = [json.loads(line) for line in response.text.splitlines()]
    assert [r["status"] for r in got] == ["InternalError", "InternalError", "ok"]
    assert "secret detail" not in response.text and "ZeroDivisionError" in caplog.text
    assert got[0]["origin"] == "Kunming" and calls == [2, 1]


def test_serve_warns_when_it_listens_beyond_loopback_without_a_key():
    from corridor.cli.web_commands import _loopback

    assert _loopback("127.0.0.1") and _loopback("127.8.0.1") and _loopback("::1")
    assert _loopback("localhost")
    assert not _loopback("0.0.0.0") and not _loopback("192.0.2.7") and not _loopback("my.host")
