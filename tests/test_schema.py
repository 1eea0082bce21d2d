"""The quote JSON schema: shipped copy up to date, real quotes valid, broken ones not."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from corridor import QuoteRequest, plan, quote
from corridor.cli import app
from corridor.schema import quote_schema, schema_of

SHIPPED = Path(__file__).parents[1] / "docs" / "quote.schema.json"
runner = CliRunner()


@pytest.fixture(scope="module")
def validator():
    schema = json.loads(SHIPPED.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_shipped_schema_is_the_generated_one():
    assert json.loads(SHIPPED.read_text(encoding="utf-8")) == quote_schema(), (
        "regenerate: corridor schema > docs/quote.schema.json"
    )
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0 and json.loads(result.stdout) == quote_schema()


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"cargo": "reefer", "objective": "time", "year": 2031},
        {"deadline": 120, "confidence": 0.8, "ready": "2026-12-01T08:00"},
        {"objective": "generalised", "value_usd": 80_000, "month": 8},
        {"teu": 500, "objective": "time"},  # with a capacity note
    ],
)
def test_real_quotes_validate(validator, options):
    options = {"teu": 2, **options}
    document = quote("Kunming", "Hai Phong", **options).to_dict()
    validator.validate(json.loads(json.dumps(document)))


def test_cli_json_items_validate(validator):
    result = runner.invoke(app, ["pareto", "Kunming", "Hanoi", "--json"])
    assert result.exit_code == 0
    front = json.loads(result.stdout)
    assert len(front) > 1
    for document in front:
        validator.validate(document)


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("steps",), [], "should be non-empty"),
        (("totals", "cost_usd"), "cheap", "is not of type 'number'"),
        (("steps", 0, "to_mode"), "teleport", "is not valid under any"),
        (("shipment", "teu"), 0, "less than or equal to the minimum|exclusive"),
        (("notes",), "one", "is not of type 'array'"),
    ],
)
def test_broken_documents_fail(validator, path, value, message):
    document = json.loads(json.dumps(quote("Kunming", "Hanoi").to_dict()))
    target = document
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    with pytest.raises(jsonschema.ValidationError, match=message):
        validator.validate(document)


DOCS = Path(__file__).parents[1] / "docs"
DEMAND = Path(__file__).parents[1] / "data" / "demand"


@pytest.mark.parametrize("name", ["quote", "plan", "comparison", "request"])
def test_every_shipped_schema_is_the_generated_one(name):
    shipped = json.loads((DOCS / f"{name}.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(shipped)
    assert shipped == schema_of(name), f"regenerate: corridor schema {name} > docs/{name}..."
    result = runner.invoke(app, ["schema", name])
    assert result.exit_code == 0 and json.loads(result.stdout) == shipped


def test_an_unknown_schema_is_one_line():
    result = runner.invoke(app, ["schema", "plans"])
    assert result.exit_code == 2
    assert (
        result.stderr
        == "error: no schema 'plans'; choose one of quote, plan, comparison, request\n"
    )


@pytest.mark.parametrize(("sample", "year"), [("sample_2026.csv", 2026), ("sample_2031.csv", 2031)])
def test_plans_validate_and_the_cli_prints_to_dict(sample, year):
    validator = jsonschema.Draft202012Validator(schema_of("plan"))
    document = plan(DEMAND / sample, year=year, marginal=True).to_dict()
    validator.validate(json.loads(json.dumps(document)))
    result = runner.invoke(app, ["plan", str(DEMAND / sample), "--year", str(year), "--json"])
    assert result.exit_code == 0
    printed = json.loads(result.stdout)
    validator.validate(printed)
    assert printed["totals"] == pytest.approx(document["totals"])
    assert len(printed["bottlenecks"]) == len(document["bottlenecks"])


def test_comparisons_validate():
    validator = jsonschema.Draft202012Validator(schema_of("comparison"))
    result = runner.invoke(
        app,
        [
            "scenario",
            "compare",
            "lao-cai-smart-gate",
            "--shipment",
            "Kunming:Hanoi",
            "--demand",
            str(DEMAND / "sample_2026.csv"),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    validator.validate(document)
    assert document["scenarios"] == ["Lao Cai smart border gate"]
    assert [row["case"] for row in document["kpis"]] == ["baseline", "Lao Cai smart border gate"]


def test_requests_validate_and_quote_as_they_say():
    validator = jsonschema.Draft202012Validator(schema_of("request"))
    document = {"origin": "Kunming", "destination": "Hai Phong", "teu": 2, "deadline": "3d"}
    validator.validate(document)
    with pytest.raises(jsonschema.ValidationError, match="Additional properties"):
        validator.validate(document | {"tue": 2})
    with pytest.raises(jsonschema.ValidationError, match="'destination' is a required"):
        validator.validate({"origin": "Kunming"})
    assert quote(QuoteRequest(**document)).to_dict() == quote(**document).to_dict()
