"""Price lists: ``corridor quote-many LANES.csv|xlsx --out prices.csv|xlsx`` (issue 25)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner

from corridor import quote
from corridor.cli import app
from corridor.errors import DataError
from corridor.routing import batch
from corridor.routing.pricelist import PRICE_COLUMNS, price_list, read_lanes

runner = CliRunner()

LANES = (
    "Origin, TEU ,Destination,Containers, Cargo\n"
    "Kunming,,Hai Phong,40HC:2,\n"
    "Hanoi,2,Yen Bai,,reefer\n"
    "Hanoi,,Atlantis,,\n"
)


def _xlsx(path: Path, rows: list[list[object]]) -> Path:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def test_a_price_list_runs_from_csv_to_xlsx(tmp_path):
    lanes = tmp_path / "lanes.csv"
    lanes.write_text(LANES, encoding="utf-8")
    out = tmp_path / "prices.xlsx"
    result = runner.invoke(app, ["quote-many", str(lanes), "--currency", "VND", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "2 of 3 lanes quoted" in result.stdout and "Atlantis" in result.stdout
    book = load_workbook(out, read_only=True)
    header, *rows = [list(r) for r in book.active.iter_rows(values_only=True)]
    book.close()
    assert header == PRICE_COLUMNS
    got = [dict(zip(header, r, strict=True)) for r in rows]
    boxes = quote("Kunming", "Hai Phong", containers={"40HC": 2}, currency="VND")
    assert got[0]["price"] == pytest.approx(boxes.cost)
    assert got[0]["price_per_box"] == pytest.approx(boxes.cost / 2)
    assert got[0]["price_per_teu"] == pytest.approx(boxes.cost / 4)
    assert got[0]["currency"] == "VND" and got[0]["rate_date"] == boxes.rate.date
    assert got[0]["route"].startswith(" → ".join(boxes.modes))
    assert got[0]["hours_p90"] >= got[0]["hours_p50"] > 0
    assert got[1]["price_per_box"] is None and got[1]["cargo"] == "reefer"  # given in TEU
    assert got[2]["status"] == "UnknownPlaceError"


def test_an_xlsx_lanes_table_to_csv(tmp_path):
    lanes = _xlsx(
        tmp_path / "lanes.xlsx",
        [["ORIGIN ", "destination", "teu"], ["Hanoi", "Hai Phong", 2], [None, None, None]],
    )
    out = tmp_path / "prices.csv"
    result = runner.invoke(app, ["quote-many", str(lanes), "--out", str(out)])
    assert result.exit_code == 0, result.output
    prices = pd.read_csv(out)
    assert len(prices) == 1 and prices["teu"][0] == 2
    assert prices["price"][0] == pytest.approx(quote("Hanoi", "Hai Phong", 2).cost_usd)
    assert prices["currency"][0] == "USD"


def test_one_bad_column_stops_the_run_before_any_quote(tmp_path, monkeypatch):
    def never(*args, **kwargs):
        raise AssertionError("a lane was quoted")

    monkeypatch.setattr(batch, "quote", never)
    lanes = tmp_path / "lanes.csv"
    lanes.write_text("origin,destination,teus\nHanoi,Hai Phong,1\n", encoding="utf-8")
    out = tmp_path / "prices.csv"
    result = runner.invoke(app, ["quote-many", str(lanes), "--out", str(out)])
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {lanes}, line 1: unknown column(s) teus; did you mean 'teu' for 'teus'?; "
        "no lane was quoted\n"
    )
    assert not out.exists()
    with pytest.raises(DataError, match="no destination column"):
        read_lanes(_xlsx(tmp_path / "x.xlsx", [["Origin"], ["Hanoi"]]))
    with pytest.raises(DataError, match=r"\.csv or \.xlsx"):
        read_lanes(tmp_path / "lanes.ods")


def test_price_list_tells_its_progress():
    told = []
    lanes = pd.DataFrame(
        {"origin": ["Hanoi"] * 3, "destination": ["Hai Phong", "Yen Bai", "Lao Cai"]}
    )
    prices = price_list(lanes, progress=lambda done, total: told.append((done, total)))
    assert told == [(1, 3), (2, 3), (3, 3)] and list(prices["status"]) == ["ok"] * 3
