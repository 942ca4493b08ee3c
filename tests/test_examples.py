"""examples/: the Airflow, Prefect and Dagster files, imported with small stand-ins for the orchestrators
(which are not installed here) and their tasks run on the embedded sandbox with the real runner; and
kit.reports.outcome, the rule they share, over hand-built run records."""

from __future__ import annotations

import enum
import importlib.util
import json
import re
import sys
import types
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import nbformat
import pytest

from kit.reports import ReportFailed, RunRecord
from kit.reports.outcome import ReportAlerted, outcome

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


# -- stand-ins for the orchestrators ---------------------------------------------------------------------


class Recorder:
    """What each stand-in decorator or class was given, by the name of what it decorated or built."""

    def __init__(self) -> None:
        self.calls: dict[str, dict[str, Any]] = {}

    def decorator(self, kind: str, run_body: bool = True) -> Callable[..., Any]:
        """``@kind`` or ``@kind(**settings)``: returns the function itself (with ``.fn``, as Prefect has).

        With ``run_body=False`` calling the decorated function only counts the call (an Airflow DAG function
        builds a graph when called; here its tasks would run the reports at import time)."""

        def settle(function: Callable[..., Any], settings: dict[str, Any]) -> Callable[..., Any]:
            self.calls[f"{kind}:{function.__name__}"] = settings
            if run_body:
                function.fn = function  # type: ignore[attr-defined]
                return function

            def counted(*args: Any, **kwargs: Any) -> None:
                self.calls[f"{kind}-called:{function.__name__}"] = {"args": args, "kwargs": kwargs}

            return counted

        def decorate(*args: Any, **settings: Any) -> Any:
            if len(args) == 1 and callable(args[0]) and not settings:
                return settle(args[0], {})
            return lambda function: settle(function, settings)

        return decorate

    def built(self, kind: str) -> type:
        """A class whose instances keep their keyword arguments (RetryPolicy, ScheduleDefinition, ...)."""
        recorder = self

        class Built:
            def __init__(self, **kwargs: Any) -> None:
                self.kwargs = kwargs
                recorder.calls[kind] = kwargs

            def __eq__(self, other: object) -> bool:
                return isinstance(other, Built) and other.kwargs == self.kwargs

        Built.__name__ = kind
        return Built


def module(name: str, **attributes: Any) -> types.ModuleType:
    made = types.ModuleType(name)
    made.__dict__.update(attributes)
    return made


class AirflowFailException(Exception):
    """The stand-in of airflow.exceptions.AirflowFailException: fail the task without retries."""


class Failure(Exception):
    """The stand-in of dagster.Failure, keeping its arguments."""

    def __init__(self, description: str | None = None, allow_retries: bool | None = None) -> None:
        super().__init__(description)
        self.description = description
        self.allow_retries = allow_retries


class Backoff(enum.Enum):
    LINEAR = "LINEAR"
    EXPONENTIAL = "EXPONENTIAL"


class Config:
    """The stand-in of dagster.Config: keyword arguments over the class's defaults."""

    def __init__(self, **kwargs: Any) -> None:
        for name, value in kwargs.items():
            setattr(self, name, value)


def standins(recorder: Recorder) -> dict[str, types.ModuleType]:
    decorators = module(
        "airflow.decorators", dag=recorder.decorator("dag", run_body=False), task=recorder.decorator("task")
    )
    return {
        "airflow": module("airflow", __path__=[]),
        "airflow.decorators": decorators,
        "airflow.exceptions": module("airflow.exceptions", AirflowFailException=AirflowFailException),
        "prefect": module("prefect", flow=recorder.decorator("flow"), task=recorder.decorator("task")),
        "dagster": module(
            "dagster",
            op=recorder.decorator("op"),
            job=recorder.decorator("job"),
            Backoff=Backoff,
            Config=Config,
            Failure=Failure,
            RetryPolicy=recorder.built("RetryPolicy"),
            ScheduleDefinition=recorder.built("ScheduleDefinition"),
            Definitions=recorder.built("Definitions"),
        ),
    }


@pytest.fixture(scope="module")
def examples() -> Iterator[tuple[dict[str, types.ModuleType], dict[str, Recorder]]]:
    """Each example imported with its own stand-ins, so each one's recorder holds only its settings."""
    loaded, recorders = {}, {}
    for name in ("airflow_dag", "prefect_flow", "dagster_job"):
        recorders[name] = Recorder()
        with pytest.MonkeyPatch.context() as patch:
            for module_name, standin in standins(recorders[name]).items():
                patch.setitem(sys.modules, module_name, standin)
            spec = importlib.util.spec_from_file_location(f"lxkit_example_{name}", EXAMPLES / f"{name}.py")
            assert spec is not None and spec.loader is not None
            loaded[name] = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(loaded[name])
    return loaded, recorders


def test_each_example_imports_its_orchestrator_at_the_top():
    for name, orchestrator in (
        ("airflow_dag", "airflow"),
        ("prefect_flow", "prefect"),
        ("dagster_job", "dagster"),
    ):
        spec = importlib.util.spec_from_file_location(f"lxkit_bare_{name}", EXAMPLES / f"{name}.py")
        assert spec is not None and spec.loader is not None
        with pytest.MonkeyPatch.context() as patch:
            patch.setitem(sys.modules, orchestrator, None)  # as where it is not installed
            with pytest.raises(ImportError, match=orchestrator):
                spec.loader.exec_module(importlib.util.module_from_spec(spec))


def test_the_retry_settings_are_those_the_readme_documents(examples):
    _, recorders = examples
    airflow, prefect, dagster = (recorders[n].calls for n in ("airflow_dag", "prefect_flow", "dagster_job"))
    readme = (EXAMPLES / "README.md").read_text(encoding="utf-8")  # "Retries, as set in the files"

    assert "@task(retries=2, retry_delay=timedelta(minutes=5))" in readme
    assert airflow["task:lxkit_report"] == {"retries": 2, "retry_delay": timedelta(minutes=5)}
    assert airflow["dag:lxkit_weekly_health"]["schedule"] == "0 6 * * 1"
    assert airflow["dag:lxkit_weekly_health"]["catchup"] is False
    assert (
        "dag-called:lxkit_weekly_health" in airflow
    )  # the DAG file calls its DAG function, as Airflow needs

    assert "@task(retries=2, retry_delay_seconds=[60, 300])" in readme
    assert prefect["task:lxkit_report"] == {"retries": 2, "retry_delay_seconds": [60, 300]}
    assert prefect["flow:lxkit_weekly_health"] == {"name": "lxkit-weekly-health"}  # the flow has no retries

    assert "@op(retry_policy=RetryPolicy(max_retries=2, delay=60, backoff=Backoff.EXPONENTIAL))" in readme
    assert dagster["RetryPolicy"] == {"max_retries": 2, "delay": 60, "backoff": Backoff.EXPONENTIAL}
    assert dagster["op:lxkit_report"]["retry_policy"].kwargs == dagster["RetryPolicy"]
    assert "job:lxkit_weekly_health" in dagster
    assert dagster["ScheduleDefinition"]["cron_schedule"] == "0 6 * * 1"


# -- the tasks, with the real runner on the embedded sandbox ------------------------------------------------


def small_notebook(path: Path, body: str) -> Path:
    book = nbformat.v4.new_notebook()
    parameters = nbformat.v4.new_code_cell("x: int = 1  # a number")
    parameters.metadata["tags"] = ["parameters"]
    book.cells = [parameters, nbformat.v4.new_code_cell(body)]
    book.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(book, path)
    return path


@pytest.fixture(scope="module")
def notebooks(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("notebooks")
    return {
        "fine": small_notebook(folder / "fine.ipynb", "print(x * 2)"),
        "broken": small_notebook(folder / "broken.ipynb", "raise ValueError(f'broken at x={x}')"),
    }


def check_succeeded(result: dict[str, Any], out: Path) -> None:
    assert result["status"] == "succeeded" and result["exit_code"] == 0 and result["alerts"] == []
    directory = Path(result["paths"]["directory"])
    assert all(isinstance(p, str) for p in result["paths"].values())
    assert directory.is_dir() and directory.parent == out / "fine"
    saved = json.loads((directory / "run.json").read_text(encoding="utf-8"))
    assert saved["status"] == "succeeded" and saved["parameters"] == {"x": 21}
    assert Path(result["paths"]["record"]) == directory / "run.json"
    assert Path(result["paths"]["html"]).is_file() and Path(result["paths"]["notebook"]).is_file()
    assert "42" in Path(result["paths"]["html"]).read_text(encoding="utf-8")


def check_failed(caught: pytest.ExceptionInfo[ReportFailed]) -> None:
    record = caught.value.record
    saved = json.loads((record.directory / "run.json").read_text(encoding="utf-8"))
    assert saved["status"] == "failed" and saved["error"]["ename"] == "ValueError"
    assert "broken at x=3" in saved["error"]["evalue"]


def check_alerted(cause: BaseException | None) -> None:
    assert isinstance(cause, ReportAlerted)
    names = [alert.get("name") for alert in cause.alerts]
    assert "servicenow-cmdb" in names and "servicenow-cmdb" in str(cause)
    # the demo's incident: at least its last three nights failed (kit/sandbox/runs.py, FAILING_LAST_NIGHTS)
    assert re.search(r"servicenow-cmdb failed \d+ of \d+ runs .*; last \d+ runs failed in a row", str(cause))
    assert cause.record.status == "succeeded" and cause.record.exit_code() == 2


def test_airflow_task(examples, notebooks, tmp_path):
    task = examples[0]["airflow_dag"].lxkit_report
    out = tmp_path / "reports"
    check_succeeded(task(str(notebooks["fine"]), {"x": 21}, out=str(out), workspace="sandbox"), out)
    with pytest.raises(ReportFailed) as caught:
        task(str(notebooks["broken"]), {"x": 3}, out=str(out), workspace="sandbox")
    check_failed(caught)
    with pytest.raises(AirflowFailException) as alerted:  # fails the task without Airflow's retries
        task("run_health", {"days": 7}, out=str(out), workspace="sandbox", fail_on_alert=True)
    check_alerted(alerted.value.__cause__)


def test_prefect_task_and_flow(examples, notebooks, tmp_path):
    example = examples[0]["prefect_flow"]
    out = tmp_path / "reports"
    record = example.lxkit_report(str(notebooks["fine"]), {"x": 21}, out=str(out), workspace="sandbox")
    assert isinstance(record, RunRecord)
    check_succeeded(outcome(record), out)
    with pytest.raises(ReportFailed) as caught:
        example.lxkit_report.fn(str(notebooks["broken"]), {"x": 3}, out=str(out), workspace="sandbox")
    check_failed(caught)
    result = example.lxkit_weekly_health.fn(days=7, out=str(out), workspace="sandbox")
    assert result["exit_code"] == 2 and result["status"] == "succeeded"
    assert "servicenow-cmdb" in [alert["name"] for alert in result["alerts"]]
    assert Path(result["paths"]["directory"]).parent == out / "run_health"
    with pytest.raises(ReportAlerted) as alerted:
        example.lxkit_weekly_health.fn(days=7, fail_on_alert=True, out=str(out), workspace="sandbox")
    check_alerted(alerted.value)


def test_dagster_op(examples, notebooks, tmp_path):
    example = examples[0]["dagster_job"]
    out = tmp_path / "reports"

    def config(**kwargs: Any) -> Any:
        return example.ReportConfig(out=str(out), workspace="sandbox", **kwargs)

    check_succeeded(example.lxkit_report(config(notebook=str(notebooks["fine"]), parameters={"x": 21})), out)
    with pytest.raises(ReportFailed) as caught:
        example.lxkit_report(config(notebook=str(notebooks["broken"]), parameters={"x": 3}))
    check_failed(caught)
    with pytest.raises(Failure) as alerted:
        example.lxkit_report(config(notebook="run_health", parameters={"days": 7}, fail_on_alert=True))
    assert alerted.value.allow_retries is False
    check_alerted(alerted.value.__cause__)
    assert example.ReportConfig.notebook == "run_health" and example.ReportConfig.parameters == {"days": 7}


# -- outcome over hand-built records ----------------------------------------------------------------------


def record(
    tmp_path: Path, status: str = "succeeded", alerts: list[dict[str, Any]] | None = None
) -> RunRecord:
    folder = tmp_path / "reports" / "run_health" / "20261102T060000000000Z"
    return RunRecord(
        notebook="run_health",
        parameters={"days": 7},
        status=status,
        started_at="2026-11-02T06:00:00+00:00",
        finished_at="2026-11-02T06:00:20+00:00",
        duration_seconds=20.0,
        directory=folder,
        notebook_path=folder / "run_health.ipynb",
        html_path=folder / "run_health.html",
        workspace="embedded sandbox",
        error={"ename": "ValueError", "evalue": "boom", "execution_count": 3} if status == "failed" else None,
        alerts=alerts or [],
    )


CONNECTOR = {"kind": "connector", "name": "servicenow-cmdb", "message": "servicenow-cmdb failed 9 of 29 runs"}
KPI = {"kind": "kpi", "name": "eol_share", "message": "Applications past end of life: 32.8 % (above 30 %)"}


def test_outcome_of_a_clean_run(tmp_path):
    folder = tmp_path / "reports" / "run_health" / "20261102T060000000000Z"
    assert outcome(record(tmp_path)) == {
        "status": "succeeded",
        "exit_code": 0,
        "paths": {
            "directory": str(folder),
            "notebook": str(folder / "run_health.ipynb"),
            "html": str(folder / "run_health.html"),
            "record": str(folder / "run.json"),
        },
        "alerts": [],
    }
    assert json.loads(json.dumps(outcome(record(tmp_path)))) == outcome(record(tmp_path))  # XCom-ready


def test_outcome_with_alerts(tmp_path):
    alerted = record(tmp_path, alerts=[CONNECTOR, KPI])
    result = outcome(alerted)
    assert (result["exit_code"], result["alerts"]) == (2, [CONNECTOR, KPI])
    assert outcome(alerted, alert_on=["connector"])["exit_code"] == 2
    assert outcome(alerted, alert_on=[], fail_on_alert=True)["exit_code"] == 0  # no kind counts
    with pytest.raises(ReportAlerted) as caught:
        outcome(alerted, fail_on_alert=True, alert_on=["kpi"])
    assert caught.value.alerts == [KPI] and caught.value.record is alerted
    message = str(caught.value)
    assert "report 'run_health' ran through with 1 alert(s)" in message
    assert "Applications past end of life: 32.8 % (above 30 %)" in message and "servicenow" not in message
    assert str(alerted.directory / "run.json") in message


def test_outcome_quotes_five_alerts_at_most(tmp_path):
    many = [{"kind": "connector", "name": f"c{i}", "message": f"c{i} failed"} for i in range(7)]
    with pytest.raises(ReportAlerted) as caught:
        outcome(record(tmp_path, alerts=many), fail_on_alert=True)
    message = str(caught.value)
    assert "c4 failed" in message and "c5 failed" not in message and "(and 2 more)" in message


def test_outcome_of_a_failed_run_raises_report_failed(tmp_path):
    failed = record(tmp_path, status="failed", alerts=[CONNECTOR])
    with pytest.raises(ReportFailed, match=r"failed at In \[3\]: ValueError: boom") as caught:
        outcome(failed, fail_on_alert=True)
    assert caught.value.record is failed
