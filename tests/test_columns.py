"""Declared columns into typed frames: values, nulls at every level, categories across chunks, fallbacks."""

from __future__ import annotations

import pandas as pd

from kit.frames.columns import STRING, Column, FrameBuilder, build_frame, key, path

COLUMNS = (
    Column("id", key("id")),
    Column("level", key("level"), "Int64"),
    Column("cost", key("cost"), "Float64"),
    Column("phase", path("lifecycle", "asString"), "category", ("plan", "active", "endOfLife"), True),
    Column("owner", path("owner", "user", "email")),
    Column("createdAt", key("createdAt"), "datetime"),
    Column("flag", key("flag"), "boolean"),
    Column("roles", key("roles"), "object"),
)


def node(i: int, **over) -> dict:
    base = {
        "id": f"fs-{i}",
        "level": i % 3 or None,
        "cost": i * 1.5 if i % 4 else None,
        "lifecycle": {"asString": ("plan", "active", "endOfLife")[i % 3]} if i % 5 else None,
        "owner": {"user": {"email": f"u{i}@x.io"}} if i % 2 else {"user": None},
        "createdAt": f"2026-01-{1 + i % 28:02d}T10:00:00.000Z",
        "flag": bool(i % 2),
        "roles": [f"r{i}"],
    }
    return {**base, **over}


def test_values_dtypes_and_nulls_at_every_level():
    frame = build_frame([node(i) for i in range(10)], COLUMNS)
    assert list(frame.columns) == [c.name for c in COLUMNS]
    assert (
        frame["id"].dtype == STRING and frame["level"].dtype == "Int64" and frame["flag"].dtype == "boolean"
    )
    assert frame["level"].tolist() == [pd.NA, 1, 2, pd.NA, 1, 2, pd.NA, 1, 2, pd.NA]
    assert frame["cost"].isna().tolist() == [i % 4 == 0 for i in range(10)]
    assert frame["phase"].cat.ordered and list(frame["phase"].cat.categories) == [
        "plan",
        "active",
        "endOfLife",
    ]
    assert frame["phase"].isna().tolist() == [
        i % 5 == 0 for i in range(10)
    ]  # a null parent gives a null child
    assert frame["owner"].tolist()[:4] == [pd.NA, "u1@x.io", pd.NA, "u3@x.io"]  # null at the middle level
    assert str(frame["createdAt"].dtype) == "datetime64[us, UTC]"
    assert frame["createdAt"].iloc[3] == pd.Timestamp("2026-01-04T10:00:00Z")
    assert frame["roles"].iloc[2] == ["r2"]


def test_categories_stay_consistent_across_chunks_and_extras_are_sorted():
    nodes = [node(i) for i in range(2500)]
    nodes[1700]["lifecycle"] = {"asString": "phaseOut"}  # undeclared, seen only in the second chunk
    nodes[2400]["lifecycle"] = {"asString": "phaseIn"}  # undeclared, third chunk
    frame = build_frame(nodes, COLUMNS)
    assert list(frame["phase"].cat.categories) == ["plan", "active", "endOfLife", "phaseIn", "phaseOut"]
    assert frame["phase"].iloc[1700] == "phaseOut" and frame["phase"].iloc[2400] == "phaseIn"
    assert frame["phase"].iloc[1701] == ("plan", "active", "endOfLife")[1701 % 3]
    assert len(frame) == 2500 and frame["id"].is_unique


def test_a_chunk_arrow_refuses_is_read_in_python():
    nodes = [node(i) for i in range(10)]
    nodes[3]["lifecycle"] = {"asString": 7}  # not a string: the fast path refuses this chunk
    frame = build_frame(nodes, COLUMNS)
    assert frame["phase"].iloc[3] == 7 and frame["phase"].iloc[1] == "active"
    assert frame["level"].tolist() == build_frame([node(i) for i in range(10)], COLUMNS)["level"].tolist()


def test_pages_added_one_by_one_equal_one_build():
    nodes = [node(i) for i in range(1200)]
    builder = FrameBuilder(COLUMNS)
    for start in range(0, 1200, 300):
        builder.add(nodes[start : start + 300])
    pd.testing.assert_frame_equal(builder.frame(), build_frame(nodes, COLUMNS))
    empty = FrameBuilder(COLUMNS).frame()
    assert len(empty) == 0 and list(empty.dtypes) == list(builder.frame().dtypes)
