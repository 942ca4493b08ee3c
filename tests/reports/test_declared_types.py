"""Notebook parameters read without a kernel, and checked against their declared types (docs/schedules.md §3).

Expected declarations are written by hand from the notebooks' parameters cells; expected messages from the
contract's example (``run_health has parameter days: int; -p days got the text 'fourteen'. Give a whole
number, e.g. -p days 14``).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from kit import shipped
from kit.reports.errors import NotebookNotFound, ParameterError, ReportError
from kit.reports.notebooks import NOTEBOOK_DIR, find_notebook, notebook_parameters
from kit.reports.parameters import check_parameters, parse_value

ROOT = Path(__file__).resolve().parents[2]


def write_notebook(path: Path, *cells: dict[str, Any]) -> Path:
    """A format-4 notebook holding ``cells``, written as plain JSON."""
    book = {"cells": list(cells), "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path.write_text(json.dumps(book), encoding="utf-8")
    return path


def code(source: str | list[str], *tags: str, cell_id: str | None = None) -> dict[str, Any]:
    cell: dict[str, Any] = {"cell_type": "code", "metadata": {"tags": list(tags)}, "source": source,
                            "outputs": [], "execution_count": None}  # fmt: skip
    if cell_id:
        cell["id"] = cell_id
    return cell


# -- reading the parameters cell --------------------------------------------------------------------------


def test_run_health_declares_what_its_parameters_cell_says():
    assert notebook_parameters("run_health") == {
        "days": {"type": "int", "default": "30", "help": "window of the report, in days back from now"},
        "max_failure_rate": {
            "type": "float",
            "default": "0.2",
            "help": "alert when a connector fails more often than this",
        },
        "max_consecutive_failures": {
            "type": "int",
            "default": "2",
            "help": "alert after this many failed runs in a row",
        },
        "until": {
            "type": "str",
            "default": '""',
            "help": "last day of the window as a UTC date, e.g. 2026-11-01; empty: today",
        },
    }


def test_metrics_report_declares_what_its_parameters_cell_says():
    declared = notebook_parameters(NOTEBOOK_DIR / "metrics_report.ipynb")
    assert {name: (info["type"], info["default"]) for name, info in declared.items()} == {
        "history": ("str", '"history"'),
        "take_snapshot": ("bool", "False"),
        "demo_months": ("int", "12"),
        "kpi_modules": ("list[str]", "[]"),
        "kpis": ("list[str]", "[]"),
        "tag_groups": ("list[str]", "[]"),
        "movers": ("int", "10"),
        "keep_daily": ("int", "0"),
        "keep_monthly": ("int", "24"),
        "publish": ("str", '""'),
        "publish_dry_run": ("bool", "True"),
    }
    assert list(declared) == ["history", "take_snapshot", "demo_months", "kpi_modules", "kpis", "tag_groups",
                              "movers", "keep_daily", "keep_monthly", "publish", "publish_dry_run"]  # fmt: skip
    assert declared["movers"]["help"] == "how many of the biggest month-on-month movers to show"
    assert declared["kpis"]["help"] == "KPI names to report; empty: the whole catalogue"


def test_the_other_notebooks_declare_their_types():
    assert {n: i["type"] for n, i in notebook_parameters("explore").items()} == {
        "types": "list[str]",
        "include_archived": "bool",
        "eol_months": "int",
        "snapshot": "str",
        "save_snapshot": "str",
    }
    assert {n: i["type"] for n, i in notebook_parameters("processor_preview").items()} == {
        "config_path": "str",
        "ldif_path": "str",
        "workspace": "str",
        "export": "str",
    }


def test_plain_assignments_take_the_type_of_their_literal(tmp_path):
    source = [
        "%matplotlib inline\n",
        "import os\n",
        "count = 3  # how many\n",
        "rate = 0.5\n",
        "flag = True  # a switch\n",
        "label = 'x'\n",
        "names = [\n",
        "    'a',  # first\n",
        "    'b',\n",
        "]  # some names\n",
        "options = {'k': 1}\n",
        "nothing = None\n",
        "home = os.getcwd()  # not a literal\n",
        "limit = 5  # type: int  the ceiling\n",
        'quoted: "float" = 1.5\n',
        "optional: int | None = None  # maybe\n",
        "a, b = 1, 2\n",
        "bare: int\n",
    ]
    notebook = write_notebook(tmp_path / "plain.ipynb", code(source, "parameters"))
    assert notebook_parameters(notebook) == {
        "count": {"type": "int", "default": "3", "help": "how many"},
        "rate": {"type": "float", "default": "0.5", "help": ""},
        "flag": {"type": "bool", "default": "True", "help": "a switch"},
        "label": {"type": "str", "default": "'x'", "help": ""},
        "names": {"type": "list", "default": "['a', 'b']", "help": "some names"},
        "options": {"type": "dict", "default": "{'k': 1}", "help": ""},
        "nothing": {"type": "None", "default": "None", "help": ""},
        "home": {"type": "None", "default": "os.getcwd()", "help": "not a literal"},
        "limit": {"type": "int", "default": "5", "help": "the ceiling"},
        "quoted": {"type": "float", "default": "1.5", "help": ""},
        "optional": {"type": "int | None", "default": "None", "help": "maybe"},
    }


def test_a_notebook_that_is_not_json_is_refused_naming_the_file(tmp_path):
    broken = tmp_path / "broken.ipynb"
    broken.write_text('{"cells": [', encoding="utf-8")
    with pytest.raises(ParameterError) as refused:
        notebook_parameters(broken)
    assert str(broken) in str(refused.value) and "is not JSON (line 1, column 12" in str(refused.value)

    listed = write_notebook(tmp_path / "list.ipynb")
    listed.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(ParameterError, match="is JSON but not a Jupyter notebook"):
        notebook_parameters(listed)


def test_a_notebook_without_or_with_two_parameters_cells_is_refused(tmp_path):
    none = write_notebook(tmp_path / "none.ipynb", code("x = 1"))
    with pytest.raises(ParameterError) as refused:
        notebook_parameters(none)
    assert str(none) in str(refused.value) and "has no cell tagged 'parameters'" in str(refused.value)
    assert notebook_parameters(none, missing_ok=True) == {}

    two = write_notebook(
        tmp_path / "two.ipynb",
        code("x = 1", "parameters"),
        code("print(x)"),
        code("y = 2", "parameters", cell_id="c3"),
    )
    with pytest.raises(ParameterError) as refused:
        notebook_parameters(two)
    assert f"notebook {two} has 2 cells tagged 'parameters' (cell 1, cell 3, id 'c3')" in str(refused.value)


def test_a_syntax_error_names_the_file_the_cell_and_the_line(tmp_path):
    notebook = write_notebook(
        tmp_path / "typo.ipynb",
        {"cell_type": "markdown", "metadata": {}, "source": "# Title"},
        code("days: int = 30  # fine\nuntil: str = '2026-11-01  # unclosed\n", "parameters", cell_id="p1"),
    )
    with pytest.raises(ParameterError) as refused:
        notebook_parameters(notebook)
    message = str(refused.value)
    assert message.startswith(f"notebook {notebook}, parameters cell (cell 2, id 'p1'), line 2, column 14: ")
    assert "unterminated string literal" in message


def test_a_markdown_cell_tagged_parameters_is_refused(tmp_path):
    notebook = write_notebook(
        tmp_path / "md.ipynb",
        {"cell_type": "markdown", "metadata": {"tags": ["parameters"]}, "source": "x = 1"},
    )
    with pytest.raises(ParameterError, match=r"parameters cell \(cell 1\) is a markdown cell"):
        notebook_parameters(notebook)


def test_the_kits_notebooks_come_from_the_shipped_folder(tmp_path):
    assert NOTEBOOK_DIR == shipped.NOTEBOOKS
    assert find_notebook("explore") == shipped.NOTEBOOKS / "explore.ipynb"
    assert find_notebook("run_health.ipynb") == shipped.NOTEBOOKS / "run_health.ipynb"
    with pytest.raises(NotebookNotFound, match="elsewhere/explore.ipynb'"):
        find_notebook(tmp_path / "elsewhere" / "explore.ipynb")


# -- checking values against the declared types ------------------------------------------------------------


def test_the_contracts_example_message():
    with pytest.raises(ParameterError) as refused:
        check_parameters("run_health", {"days": "fourteen"}, None, origins={"days": "-p days"})
    assert str(refused.value) == (
        "run_health has parameter days: int; -p days got the text 'fourteen'. Give a whole number, e.g. -p days 14"
    )


def test_a_whole_float_from_yaml_is_not_taken_as_an_int():
    with pytest.raises(ParameterError) as refused:
        check_parameters("run_health", {"days": 14.0}, None, origins={"days": "parameters file params.yaml"})
    assert str(refused.value) == (
        "run_health has parameter days: int; parameters file params.yaml got the decimal number 14.0. "
        "Give a whole number, e.g. days: 14"
    )


def test_without_an_origin_the_message_says_the_value_given():
    with pytest.raises(ParameterError) as refused:
        check_parameters("run_health", {"until": 2026}, None)
    assert str(refused.value) == (
        "run_health has parameter until: str; the value given is the whole number 2026. Give text, e.g. "
        "until='2026'"
    )


CELL = """\
count: int = 1  # c
rate: float = 0.5  # r
flag: bool = False  # f
label: str = ''  # l
names: list[str] = []  # n
numbers: list[int] = []  # ns
anything: list = []  # a
table: dict[str, int] = {}  # t
loose: dict = {}  # d
maybe: int | None = None  # m
perhaps: Optional[str] = None  # p
either: int | str = 1  # e
where: Path = Path('.')  # unknown annotation
pair: tuple[int, int] = (1, 2)  # unknown annotation
"""

ACCEPTED = [
    ("count", 3), ("count", -2), ("rate", 1), ("rate", 0.25), ("flag", True), ("label", "2026"),
    ("names", ["a", "b"]), ("names", []), ("numbers", [1, 2]), ("anything", [1, "a", None]),
    ("table", {"a": 1}), ("loose", {"a": [1]}), ("maybe", None), ("maybe", 4), ("perhaps", None),
    ("perhaps", "x"), ("either", 1), ("either", "one"), ("where", 12), ("pair", "anything"),
]  # fmt: skip

REFUSED = [
    ("count", True, "the boolean true", "a whole number"),
    ("count", 14.0, "the decimal number 14.0", "a whole number"),
    ("count", "3", "the text '3'", "a whole number"),
    ("rate", False, "the boolean false", "a number"),
    ("rate", "0.5", "the text '0.5'", "a number"),
    ("flag", 1, "the whole number 1", "true or false"),
    ("flag", "true", "the text 'true'", "true or false"),
    ("label", 7, "the whole number 7", "text"),
    ("label", None, "null (no value)", "text"),
    ("names", "a", "the text 'a'", "a list of texts"),
    ("names", ["a", 2], "a list whose item [1] is the whole number 2", "a list of texts"),
    ("numbers", [1, True], "a list whose item [1] is the boolean true", "a list of whole numbers"),
    ("anything", {"a": 1}, 'the mapping {"a": 1}', "a list"),
    ("table", {"a": "x"}, "a mapping whose 'a' is the text 'x'", "a mapping of names to whole numbers"),
    ("loose", [1], "the list [1]", "a mapping"),
    ("maybe", "4", "the text '4'", "a whole number or null"),
    ("perhaps", 5, "the whole number 5", "text or null"),
    ("either", 1.5, "the number 1.5", "a whole number or text"),
]


@pytest.fixture
def typed(tmp_path):
    return write_notebook(tmp_path / "typed.ipynb", code(CELL, "parameters"))


@pytest.mark.parametrize(("name", "value"), ACCEPTED)
def test_values_of_the_declared_type_are_accepted(typed, name, value):
    assert check_parameters(typed, {name: value}, None) == {name: value}


@pytest.mark.parametrize(("name", "value", "got", "expected"), REFUSED)
def test_values_of_another_type_are_refused_saying_what_was_expected(typed, name, value, got, expected):
    with pytest.raises(ParameterError) as refused:
        check_parameters(typed, {name: value}, None, origins={name: f"-p {name}"})
    message = str(refused.value)
    assert message.startswith(f"typed has parameter {name}: ")
    assert f"; -p {name} got {got}. Give {expected}, e.g. -p {name} " in message


def test_examples_follow_where_the_value_came_from(typed):
    with pytest.raises(ParameterError) as refused:
        check_parameters(typed, {"names": "Application"}, None, origins={"names": "-p names"})
    assert str(refused.value).endswith("""e.g. -p names '["a", "b"]'""")
    with pytest.raises(ParameterError) as refused:
        check_parameters(typed, {"flag": "yes"}, None, origins={"flag": "parameters file p.yaml"})
    assert str(refused.value).endswith("Give true or false, e.g. flag: true")
    with pytest.raises(ParameterError) as refused:
        check_parameters(typed, {"rate": "0.75"}, None)
    assert str(refused.value).endswith("Give a number, e.g. rate=0.75")


# -- the checks moved from the runner ----------------------------------------------------------------------


def test_names_credentials_and_tokens_are_still_refused(typed):
    with pytest.raises(
        ParameterError, match="typed.ipynb has no parameter 'days'; its parameters are: count, rate"
    ):
        check_parameters(typed, {"days": 1}, None)
    with pytest.raises(ParameterError, match="parameter 'api_key' looks like a credential"):
        check_parameters(typed, {"api_key": "x"}, None)
    with pytest.raises(ParameterError, match="is not a Python identifier"):
        check_parameters(typed, {"no-dash": 1}, None)
    token = "lx-test-token-0123456789abcdef"
    with pytest.raises(ParameterError, match="parameter 'label' holds the configured API token"):
        check_parameters(typed, {"label": f"see {token}"}, token)
    jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"
    with pytest.raises(ParameterError, match="parameter 'names' holds an access token"):
        check_parameters(typed, {"names": [jwt]}, None)
    with pytest.raises(ParameterError, match="parameters must be a mapping of names to values, not list"):
        check_parameters(typed, [("count", 1)], None)  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match=r"-p count: parameter 'count': .* 64 bits"):
        check_parameters(typed, {"count": 2**70}, None, origins={"count": "-p count"})


def test_a_notebook_without_parameters_cell_runs_only_without_parameters(tmp_path):
    notebook = write_notebook(tmp_path / "plain.ipynb", code("print(1)"))
    assert check_parameters(notebook, {}, None) == {}
    with pytest.raises(ReportError, match="has no cell tagged 'parameters'"):
        check_parameters(notebook, {"x": 1}, None)


# -- -p values of str parameters stay text ----------------------------------------------------------------


def test_a_str_parameter_keeps_the_command_line_text():
    assert parse_value("2026-11-01", "until", "str") == "2026-11-01"
    assert parse_value("2026", "snapshot", "str") == "2026"
    assert parse_value("true", "label", "str | None") == "true"
    assert parse_value('["a"]', "label", "Optional[str]") == '["a"]'
    assert parse_value("2026", "days", "int") == 2026
    assert parse_value("2026", "days") == 2026
    assert parse_value("[1, 2]", "numbers", "list[int]") == [1, 2]


# -- no heavy imports on this path ------------------------------------------------------------------------


def test_reading_and_checking_parameters_loads_neither_papermill_nor_nbformat_nor_jsonschema():
    script = (
        "import sys\n"
        "from kit.reports.notebooks import notebook_parameters\n"
        "from kit.reports.parameters import check_parameters\n"
        "assert notebook_parameters('run_health')['days']['type'] == 'int'\n"
        "assert check_parameters('run_health', {'days': 7}, None, origins={'days': '-p days'}) == {'days': 7}\n"
        "try:\n"
        "    check_parameters('run_health', {'days': 'x'}, None)\n"
        "except Exception as exc:\n"
        "    assert type(exc).__name__ == 'ParameterError'\n"
        "print(sorted(m for m in ('papermill', 'nbformat', 'jsonschema', 'nbconvert') if m in sys.modules))\n"
    )
    done = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "python"), "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
