"""Hypothesis strategies for hostile input: numbers, names, CSV text and YAML documents."""

from __future__ import annotations

import math

from hypothesis import strategies as st

PLACES = ["Kunming", "Hai Phong", "Hanoi", "Lào Cai", "河口", "Hekou", "Yen Vien", "Mengzi"]


def mostly(sane: st.SearchStrategy, other: st.SearchStrategy, tenths: int = 8) -> st.SearchStrategy:
    """``sane`` in about ``tenths`` of ten draws, else ``other`` (one_of would draw each half)."""
    return st.integers(1, 10).flatmap(lambda k: sane if k <= tenths else other)


awkward_floats = st.one_of(
    st.sampled_from([0.0, -0.0, -1.0, 1e-300, 1e308, -1e308, math.inf, -math.inf, math.nan]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=0.01, max_value=100.0),
)
"""Numbers a user may type: sane ones, and the ones that break arithmetic."""

awkward_ints = st.one_of(
    st.sampled_from([0, -1, 1, 2**31, 2**63, -(2**63), 10**30, 10**400]),
    st.integers(min_value=-5, max_value=50),
)

awkward_text = st.one_of(
    st.sampled_from(["", " ", "nan", "inf", "-1", "1e308", "0x10", "1_000", "72h", "3d", "∞"]),
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=20),
)
"""Text that may or may not read as a number, a duration or a name."""

place_names = st.one_of(st.sampled_from(PLACES), awkward_text)

any_value = st.one_of(
    st.none(), st.booleans(), awkward_floats, awkward_ints, awkward_text, st.lists(place_names)
)
"""A value of any kind, for an option of any type."""


SANE_CELLS = {
    "origin": st.sampled_from(PLACES),
    "destination": st.sampled_from(PLACES),
    "teu_per_day": st.sampled_from(["1", "12.5", "300", "0"]),
    "tonnes_per_day": st.sampled_from(["10", "2500"]),
    "cargo": st.sampled_from(["general", "reefer", "bulk"]),
    "value_usd_per_teu": st.sampled_from(["0", "40000"]),
    "deadline": st.sampled_from(["72h", "3d", "48"]),
    "deadline_hours": st.sampled_from(["72", "30"]),
}
"""Cells a real table holds, by column."""


@st.composite
def csv_text(draw: st.DrawFn, required: list[str], optional: list[str]) -> str:
    """A CSV file: the required columns and some optional ones (in a fifth of the draws one
    missing, or one awkward), rows of (mostly) fitting cells."""
    extra = (
        st.lists(st.sampled_from(optional), unique=True, max_size=4) if optional else st.just([])
    )
    header = required + draw(extra)
    change = draw(st.integers(1, 10))
    if change == 1 and header:
        header.pop(draw(st.integers(0, len(header) - 1)))
    elif change == 2:
        header.append(draw(awkward_text))
    header = draw(st.permutations(header)) if header else [draw(awkward_text)]

    def cell(column: str) -> st.SearchStrategy[str]:
        awkward = st.one_of(place_names, awkward_text, awkward_floats.map(repr))
        sane = SANE_CELLS.get(column)
        return awkward if sane is None else mostly(sane, awkward, 9)

    row = st.tuples(*(cell(c) for c in header)).map(list)
    rows = draw(st.lists(mostly(row, st.lists(awkward_text), 9), max_size=6))
    separator = draw(mostly(st.just(","), st.sampled_from([";", "\t"]), 9))

    def line(cells: list[str]) -> str:
        return separator.join(
            f'"{c.replace(chr(34), chr(34) * 2)}"' if any(x in c for x in ',"\n') else c
            for c in cells
        )

    return "\n".join(line(r) for r in [header, *rows]) + draw(st.sampled_from(["", "\n"]))


yaml_scalars = st.one_of(
    awkward_text,
    awkward_floats.map(lambda x: repr(x) if math.isfinite(x) else ".inf"),
    st.sampled_from(["null", "~", "true", "[]", "{}", "-", "*a", "&a x", ": x", "'", '"']),
)


@st.composite
def yaml_text(draw: st.DrawFn) -> str:
    """A scenario-like YAML document: valid-looking keys with awkward values, or broken text."""
    tables = st.sampled_from(["legs", "crossings", "transfers", "places", "tariffs", "x"])
    ids = st.sampled_from(
        ["road_kunming_yuxi", "hekou_kim_thanh", "lao_cai", "road:vn", "x", "lao_cai:road>rail"]
    )
    fields = st.sampled_from(["km", "speed_kmh", "hours", "capacity_teu_day", "fee_usd_per_teu"])
    operation = st.one_of(
        st.builds(
            lambda t, i, f, v, verb: f"  - {{update: {t}, id: {i}, {verb}: {{{f}: {v}}}}}",
            tables,
            ids,
            fields,
            yaml_scalars,
            st.sampled_from(["set", "scale"]),
        ),
        st.builds(
            lambda t, i, y: f"  - {{close: {t}, id: {i}, year: {y}}}", tables, ids, yaml_scalars
        ),
        st.builds(lambda t, v: f"  - {{add: {t}, row: {{id: {v}}}}}", tables, yaml_scalars),
    )
    lines = [
        f"name: {draw(yaml_scalars)}",
        f"source: {draw(st.sampled_from(['estimate: fuzz', 'x']))}",
        f"demand_growth: {draw(yaml_scalars)}",
        "operations:",
        *draw(st.lists(operation, max_size=4)),
    ]
    kept = draw(st.lists(st.sampled_from(range(len(lines))), unique=True, min_size=1))
    document = "\n".join(lines[i] for i in sorted(kept))
    return draw(st.one_of(st.just(document), st.text(max_size=200)))
