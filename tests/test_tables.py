"""Tables for people (docs/reports.md §2): rendered with ``.to_html()``, asserted on the HTML; expected texts
written by hand."""

from __future__ import annotations

import html
import re

import numpy as np
import pandas as pd
import pytest

from kit.tables import Links, Note, table

APP = "28fe4aa2-6e46-41a1-a131-72afb3acf256"
ITC = "6a1b5c3e-0f7d-4d9a-8e2b-1c2d3e4f5a6b"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
CELL = re.compile(r"<td [^>]*>(.*?)</td>", re.DOTALL)
HEADER = re.compile(r'<th [^>]*class="col_heading[^"]*" >(.*?)</th>', re.DOTALL)
FLOAT_4 = re.compile(r"\d\.\d{4,}")


def cells(page: str) -> list[list[str]]:
    """The body's rows as lists of cell texts (tags removed, entities decoded)."""
    body = page.split("<tbody>", 1)[1]
    return [
        [html.unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in CELL.findall(row)]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.DOTALL)
    ]


def headers(page: str) -> list[str]:
    return [html.unescape(h) for h in HEADER.findall(page)]


def visible_text(page: str) -> str:
    """The text a reader sees: without the style block and the tags."""
    return html.unescape(re.sub(r"<[^>]+>", " ", page.split("</style>", 1)[-1]))


@pytest.fixture
def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": [APP, ITC, "c"],
            "name": ["R&D <Portal>", "Oracle DB", None],
            "type": pd.Categorical(["Application", "ITComponent", "Application"]),
            "completion": pd.array([0.241379, 1.0, None], dtype="Float64"),
            "totalAnnualCost": [1234567.891, 0.0004, np.nan],
            "lifecycle": pd.Categorical(["phaseIn", "endOfLife", None]),
            "updatedAt": pd.to_datetime(["2026-11-01T14:05:59.123456Z", "2026-10-31T23:59:00.000000Z", None]),
            "took": pd.to_timedelta([19.103236, 245, None], unit="s"),
            "runtime": ["PT0.00094385S", "P1DT2H", None],
            "active": pd.array([True, False, None], dtype="boolean"),
            "description": ["word " * 80, "", None],
        }
    )


def test_cells_are_formatted_per_column_kind(frame):
    page = table(frame).to_html()
    assert headers(page) == [
        "Name",
        "Type",
        "Completion",
        "Total annual cost",
        "Lifecycle",
        "Updated at",
        "Took",
        "Runtime",
        "Active",
        "Description",
    ]
    rows = cells(page)
    assert rows[0][:9] == [
        "R&D <Portal>",
        "Application",
        "24.1%",
        "1,234,568",
        "Phase in",
        "2026-11-01",
        "19 s",
        "< 1 ms",
        "Yes",
    ]
    assert rows[1][:9] == [
        "Oracle DB",
        "IT Component",
        "100.0%",
        "< 0.001",
        "End of life",
        "2026-10-31",
        "4 min 5 s",
        "1 day 2 h",
        "No",
    ]
    assert rows[2] == ["(not set)", "Application"] + ["(not set)"] * 8
    assert rows[1][9] == "(not set)"  # empty text is missing too
    text = visible_text(page)
    for raw in ("NaN", "None", "<NA>", "NaT", "0 days", "PT0", "P1DT", "0.241379", "14:05"):
        assert raw not in text, raw
    assert not FLOAT_4.search(text)


def test_names_link_to_the_fact_sheet_and_ids_stay_hidden(frame):
    styler = table(frame, links=Links("acme.leanix.net", "AcmeProd"))
    page = styler.to_html()
    assert (
        f'<a href="https://acme.leanix.net/AcmeProd/factsheet/Application/{APP}" target="_blank" '
        'rel="noopener">R&amp;D &lt;Portal&gt;</a>'
    ) in page
    assert f'href="https://acme.leanix.net/AcmeProd/factsheet/ITComponent/{ITC}"' in page
    assert page.count("<a href") == 2  # the row without a name links nothing
    assert not UUID.search(visible_text(page))  # ids only inside the links
    assert "ID" not in headers(page)
    assert list(styler.data["id"]) == [APP, ITC, "c"]  # the id is kept, in a hidden column


def test_a_workspace_gives_the_links_and_relation_frames_link_both_ends():
    class Ws:  # what table() reads of a Workspace: host and name
        host = "https://acme.leanix.net"
        name = "Acme Prod"

    relations = pd.DataFrame(
        {
            "fromId": [APP],
            "fromName": ["CRM"],
            "relation": pd.Categorical(["relApplicationToITComponent"]),
            "toId": [ITC],
            "toName": ["Oracle DB"],
            "toType": pd.Categorical(["ITComponent"]),
            "relationId": ["9d3c1b2a-1111-4222-8333-944455556666"],
            "activeFrom": pd.to_datetime([None], utc=True),
        }
    )
    page = table(relations, links=Ws(), caption="Relations").to_html()
    assert f'href="https://acme.leanix.net/Acme%20Prod/factsheet/ITComponent/{ITC}"' in page
    assert "CRM" in page and "factsheet/Application" not in page  # the from type is unknown: no link
    page = table(relations, links=Links("https://acme.leanix.net", "Acme Prod", type="Application")).to_html()
    assert f'href="https://acme.leanix.net/Acme%20Prod/factsheet/Application/{APP}"' in page
    assert headers(page) == ["From name", "Relation", "To name", "To type", "Active from"]
    assert cells(page) == [
        ["CRM", "Rel application to IT component", "Oracle DB", "IT Component", "(not set)"]
    ]
    assert not UUID.search(visible_text(page))


def test_an_empty_frame_is_a_sentence(frame):
    note = table(frame.iloc[:0], empty="No applications reach end of life in the next 12 months.")
    assert isinstance(note, Note)
    assert (
        note.to_html()
        == '<p class="lxkit-empty">No applications reach end of life in the next 12 months.</p>'
    )
    assert note._repr_html_() == note.to_html() and "<th" not in note.to_html()
    assert table(pd.DataFrame()).to_html() == '<p class="lxkit-empty">Nothing to show.</p>'


def test_no_index_long_texts_wrap_and_the_caption_is_escaped(frame):
    page = table(
        frame.set_index("id", drop=False).iloc[:1].drop(columns="id"), caption="Apps & <more>"
    ).to_html()
    assert "<caption>Apps &amp; &lt;more&gt;</caption>" in page
    assert 'class="row_heading' not in page and "index_name" not in page
    assert (
        "white-space: normal" in page
        and "word-break: break-word" in page
        and "overflow-wrap: anywhere" in page
    )
    # a named index is data: it becomes a column (here the id, hidden because a name is beside it)
    assert headers(page)[0] == "Name"


def test_a_grouped_result_keeps_its_keys_and_shares_only_where_named():
    counts = pd.DataFrame(
        {"type": ["Application", "ITComponent"], "fact sheets": [1200, 35], "share": [0.97165, 0.02835]}
    ).set_index("type")
    rows = cells(table(counts).to_html())
    assert rows == [["Application", "1,200", "97.2%"], ["IT Component", "35", "2.8%"]]
    # a float column not named as a share stays a number, 3 decimals at most
    assert cells(table(pd.DataFrame({"ratio": [0.123456]})).to_html()) == [["0.123"]]


def test_formats_override_a_column(frame):
    page = table(
        frame[["name", "updatedAt", "totalAnnualCost"]],
        formats={"updatedAt": lambda v: __import__("kit.formatting").formatting.moment(v)},
    ).to_html()
    assert cells(page)[0][:2] == ["R&D <Portal>", "2026-11-01 14:05 UTC"]
    with pytest.raises(KeyError, match="lacks: cost"):
        table(frame, formats={"cost": str})


def test_wrong_arguments_say_what_to_pass(frame):
    with pytest.raises(TypeError, match="takes a pandas DataFrame, not list"):
        table([1, 2])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="Links\\(host, workspace\\)"):
        table(frame, links="acme.leanix.net")


def test_a_workspace_frame_reads_like_the_web_app(ws):
    apps = ws.factsheets("Application")
    page = table(
        apps[["id", "name", "type", "completion", "updatedAt", "lifecycle", "totalAnnualCost"]], links=ws
    )
    html_text = page.to_html()
    rows = cells(html_text)
    assert len(rows) == len(apps) and all(len(r) == 6 for r in rows)
    first = apps.iloc[0]
    assert f'href="{ws.host}/{ws.name.replace(" ", "%20")}/factsheet/Application/{first["id"]}"' in html_text
    text = visible_text(html_text)
    assert not UUID.search(text)
    for raw in ("NaN", "None", "<NA>", "NaT", "+00:00"):
        assert raw not in text, raw
    assert not FLOAT_4.search(text)
    assert all(re.fullmatch(r"\d{1,3}\.\d%", r[2]) or r[2] == "(not set)" for r in rows)
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d", r[3]) for r in rows)


def test_a_frame_declares_its_shares_and_moments_in_attrs():
    """``kit.inventory.overview`` names shares ``stale``, ``approved``; ``kit.health`` wants the run's time."""
    frame = pd.DataFrame(
        {
            "stale": pd.array([0.5, 0.123456], dtype="Float64"),
            "last_run": pd.to_datetime(["2026-12-03 02:12:30.098", "2026-12-03 14:05:00.000"], utc=True),
            "updatedAt": pd.to_datetime(["2026-12-03 02:12:30", "2026-12-01 09:00:00"], utc=True),
        }
    )
    frame.attrs = {"shares": ["stale"], "moments": ["last_run"]}
    assert cells(table(frame).to_html()) == [
        ["50.0%", "2026-12-03 02:12 UTC", "2026-12-03"],
        ["12.3%", "2026-12-03 14:05 UTC", "2026-12-01"],
    ]
    frame.attrs = {}
    assert cells(table(frame).to_html())[1][0] == "0.123"  # without the declaration: a number


def test_the_inventory_overview_and_connector_health_declare_theirs():
    from kit import health, inventory

    overview = inventory.overview({"Application": pd.DataFrame({"id": ["a"], "name": ["A"]})})
    assert {"stale", "approved", "no_description"} <= set(overview.attrs["shares"])
    assert health.connector_health(pd.DataFrame()).attrs["moments"] == ["last_run"]
