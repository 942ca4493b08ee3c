"""Output files: refused before the work when they cannot be written, and never left half-written."""

from __future__ import annotations

import os

import pytest

from kit.outputs import OutputError, atomic_file, check_output_file


def test_a_writable_target_is_returned_as_a_path(tmp_path):
    assert check_output_file(str(tmp_path / "p.html"), suffixes=(".html",)) == tmp_path / "p.html"


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("missing/p.html", "does not exist"),
        ("p.txt", "must end in .html"),
        ("p", "not 'nothing'"),
        ("p\0.html", "NUL"),
    ],
)
def test_targets_that_cannot_be_written_are_refused(tmp_path, name, words):
    with pytest.raises(OutputError, match=words):
        check_output_file(os.path.join(tmp_path, name), suffixes=(".html",))


def test_a_folder_and_a_fifo_are_refused(tmp_path):
    with pytest.raises(OutputError, match="is a folder"):
        check_output_file(tmp_path, suffixes=(".html",))
    os.mkfifo(tmp_path / "pipe.html")
    with pytest.raises(OutputError, match="not a regular file"):
        check_output_file(tmp_path / "pipe.html", suffixes=(".html",))


def test_a_failed_write_keeps_the_old_file_and_leaves_nothing_else(tmp_path):
    target = tmp_path / "report.html"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_file(target) as work:
        work.write_text("half")
        raise RuntimeError("the writer broke")
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]


def test_a_finished_write_replaces_the_file(tmp_path):
    target = tmp_path / "report.html"
    target.write_text("old")
    with atomic_file(target) as work:
        work.write_text("new")
    assert target.read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]


def test_a_write_the_system_refuses_is_an_output_error():
    with (
        pytest.raises(OutputError, match="/proc/lxkit-test.html: cannot be written"),
        atomic_file("/proc/lxkit-test.html") as work,
    ):
        work.write_text("x")
