"""Finding the kit's notebooks and reading their declared parameters, without a kernel or papermill.

A notebook declares its parameters in the one code cell tagged ``parameters``, one assignment per name::

    days: int = 30  # window of the report, in days back from now
    types = ["Application"]  # fact sheet types (no annotation: the type is that of the literal, list)

:func:`notebook_parameters` reads the ``.ipynb`` with :mod:`json` and that cell with :mod:`ast`, so
``lxkit report --list`` and every refusal of a parameter answer before papermill, nbformat or jsonschema
(seconds of imports) are loaded. It gives the names, types and defaults papermill's own inspection gives for
the kit's notebooks; unlike papermill it refuses a notebook it cannot read (not JSON, no parameters cell, two
of them, a syntax error) rather than reporting no parameters, naming the file, the cell and the line.
"""

from __future__ import annotations

import ast
import io
import json
import os
import re
import tokenize
from pathlib import Path
from typing import Any

from kit import shipped
from kit.reports.errors import NotebookNotFound, ParameterError

__all__ = ["NOTEBOOK_DIR", "find_notebook", "list_notebooks", "notebook_parameters"]

#: the kit's own notebooks: inside the package in a wheel, the checkout's ``notebooks/`` otherwise
NOTEBOOK_DIR = shipped.NOTEBOOKS

#: the type given to a parameter without annotation, by the type of its literal default (else "None":
#: unknown, papermill's word for it)
_LITERAL_TYPES = {bool: "bool", int: "int", float: "float", str: "str", list: "list", dict: "dict"}
_TYPE_COMMENT = re.compile(r"type:\s*(?P<type>\S+)\s*(?P<help>.*)")
_MAGIC = re.compile(r"^\s*[%!]")


def list_notebooks(directory: str | os.PathLike[str] = NOTEBOOK_DIR) -> list[Path]:
    """The notebooks shipped with the kit (``*.ipynb`` in :data:`NOTEBOOK_DIR`), by name."""
    return sorted(Path(directory).glob("*.ipynb"))


def find_notebook(name: str | os.PathLike[str]) -> Path:
    """A path to an ``.ipynb``, or the name of one of the kit's notebooks (``explore``, ``run_health``…)."""
    path = Path(name)
    if path.suffix == ".ipynb" and path.is_file():
        return path
    shipped_path = NOTEBOOK_DIR / f"{path.stem if path.suffix == '.ipynb' else name}.ipynb"
    if path.parent == Path() and shipped_path.is_file():
        return shipped_path
    known = ", ".join(p.stem for p in list_notebooks()) or "none found"
    raise NotebookNotFound(
        f"no notebook {os.fspath(name)!r}: give a path to an .ipynb file or one of the kit's notebooks ({known})"
    )


def notebook_parameters(
    notebook: str | os.PathLike[str], *, missing_ok: bool = False
) -> dict[str, dict[str, Any]]:
    """The parameters cell's names, each with ``type`` (the annotation as written, or the type of a literal
    default, or ``"None"`` when unknown), ``default`` (source text) and ``help`` (the trailing comment).

    Raises :class:`NotebookNotFound` for an unknown name, :class:`ParameterError` (naming the file, the cell
    and, for a syntax error, the line) for a notebook that is not JSON, has no cell tagged ``parameters``
    (unless ``missing_ok``: then ``{}``) or more than one, or whose parameters cell is not valid Python.
    """
    path = find_notebook(notebook)
    found = _parameters_cell(path)
    if found is None:
        if missing_ok:
            return {}
        raise ParameterError(
            f"notebook {_shown(path)} has no cell tagged 'parameters', so it declares no parameters; tag the "
            "code cell that sets the defaults (JupyterLab: property inspector, Common Tools, Cell Tags)"
        )
    source, where = found
    return _declarations(source, where)


def _shown(path: Path) -> str:
    text = os.fspath(path)
    return text if text.isprintable() else repr(text)


def _parameters_cell(path: Path) -> tuple[str, str] | None:
    """The source of the one code cell tagged ``parameters`` and how messages name it; None when none is."""
    shown = _shown(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ParameterError(f"cannot read notebook {shown}: {exc.strerror or exc}") from None
    try:
        book = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ParameterError(
            f"notebook {shown} is not UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start}); save it from "
            "Jupyter again"
        ) from None
    except json.JSONDecodeError as exc:
        raise ParameterError(
            f"notebook {shown} is not JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); an .ipynb file "
            "is JSON: open it in Jupyter and save it again, or restore it from version control"
        ) from None
    cells = book.get("cells") if isinstance(book, dict) else None
    if not isinstance(cells, list):
        raise ParameterError(
            f"notebook {shown} is JSON but not a Jupyter notebook (no list of 'cells' at the top level); give a "
            "notebook in format 4 (Jupyter's format since 2015)"
        )
    tagged = [
        (number, cell)
        for number, cell in enumerate(cells, start=1)
        if isinstance(cell, dict)
        and isinstance(cell.get("metadata"), dict)
        and isinstance(cell["metadata"].get("tags"), list)
        and "parameters" in cell["metadata"]["tags"]
    ]
    if not tagged:
        return None
    if len(tagged) > 1:
        numbers = ", ".join(_cell_name(number, cell) for number, cell in tagged)
        raise ParameterError(
            f"notebook {shown} has {len(tagged)} cells tagged 'parameters' ({numbers}); papermill would inject "
            "the parameters after the first only. Keep the tag on the one cell that sets the defaults"
        )
    number, cell = tagged[0]
    where = f"notebook {shown}, parameters cell ({_cell_name(number, cell)})"
    if cell.get("cell_type") != "code":
        raise ParameterError(
            f"{where} is a {cell.get('cell_type', 'typeless')} cell; the cell tagged 'parameters' must be a "
            "code cell assigning each parameter its default"
        )
    source = cell.get("source", "")
    if isinstance(source, list) and all(isinstance(line, str) for line in source):
        source = "".join(source)
    if not isinstance(source, str):
        raise ParameterError(
            f"{where}: its 'source' is neither text nor a list of lines; save it from Jupyter"
        )
    return source, where


def _cell_name(number: int, cell: dict[str, Any]) -> str:
    """``cell 3`` (counting every cell from 1), with the cell's id when the notebook stores one."""
    cell_id = cell.get("id")
    return f"cell {number}, id {cell_id!r}" if isinstance(cell_id, str) and cell_id else f"cell {number}"


def _declarations(source: str, where: str) -> dict[str, dict[str, Any]]:
    """The top-level assignments of a simple name in ``source``, in order (a repeated name: the last one).

    Lines starting with an IPython magic (``%``, ``!``) are blanked out first, keeping line numbers; other
    statements (imports, prints, tuple unpacking) declare nothing, as for papermill.
    """
    code = "".join("\n" if _MAGIC.match(line) else line for line in source.splitlines(keepends=True))
    try:
        tree = ast.parse(code)
    except SyntaxError as exc:
        column = f", column {exc.offset}" if exc.offset else ""
        raise ParameterError(
            f"{where}, line {exc.lineno}{column}: {exc.msg}; fix the cell so that it runs as Python"
        ) from None
    comments = _comments(code)
    declared: dict[str, dict[str, Any]] = {}
    for statement in tree.body:
        target: ast.expr
        annotation: str | None
        if isinstance(statement, ast.AnnAssign) and statement.value is not None:
            target, value, annotation = statement.target, statement.value, _annotation(statement.annotation)
        elif isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target, value, annotation = statement.targets[0], statement.value, None
        else:
            continue
        if not isinstance(target, ast.Name):
            continue
        help_text = comments.get(statement.end_lineno or statement.lineno, "")
        if annotation is None:
            typed = _TYPE_COMMENT.fullmatch(help_text)
            if typed:
                annotation, help_text = typed["type"], typed["help"]
            else:
                annotation = _literal_type(value)
        declared.pop(target.id, None)
        declared[target.id] = {"type": annotation, "default": _default_text(code, value), "help": help_text}
    return declared


def _annotation(node: ast.expr) -> str:
    """An annotation as written; a quoted one (``"int"``) without its quotes."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value.strip()
    return ast.unparse(node)


def _literal_type(value: ast.expr) -> str:
    try:
        literal = ast.literal_eval(value)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return "None"
    return _LITERAL_TYPES.get(type(literal), "None")


def _default_text(code: str, value: ast.expr) -> str:
    """The default's source text; one spread over lines as a single line (without its inner comments)."""
    text = ast.get_source_segment(code, value) or ""
    return text if "\n" not in text else ast.unparse(value)


def _comments(code: str) -> dict[int, str]:
    """The comment ending each line (line number from 1 -> text after ``#``, stripped)."""
    found: dict[int, str] = {}
    try:
        for token in tokenize.generate_tokens(io.StringIO(code).readline):
            if token.type == tokenize.COMMENT:
                found[token.start[0]] = token.string[1:].strip()
    except (tokenize.TokenError, SyntaxError):
        pass  # ast accepted the code; the comments read up to here are kept
    return found
