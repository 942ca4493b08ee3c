"""Values as people read them: one place that turns numbers, durations, times and names into text.

Tables (:mod:`kit.tables`), the KPI table, chart hover texts and notification messages all format
through this module (docs/reports.md §1), so a share reads ``24.1%`` and a duration ``4 min 5 s``
everywhere, and no raw ``0.241379``, ``0 days 00:00:19.103236``, ``PT0.00094385S``, ``NaN`` or ``None``
reaches a page.

Every formatter returns :data:`MISSING` (``(not set)``) for a missing value: None, NaN, NaT, ``pd.NA`` and
empty text or lists. Times are shown in UTC: the kit's frames keep UTC-aware timestamps, and a naive one is
taken to be UTC.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
import re
from collections.abc import Sized
from typing import Any
from urllib.parse import quote

import numpy as np
import pandas as pd

__all__ = [
    "MISSING",
    "date",
    "duration",
    "factsheet_url",
    "field_label",
    "is_missing",
    "kpi_change",
    "kpi_value",
    "money",
    "moment",
    "number",
    "share",
    "text",
    "type_label",
    "value_label",
]

#: what a missing value reads as
MISSING = "(not set)"
#: never more decimals than this in a number shown to people
MAX_DECIMALS = 3

# LeanIX's own labels where splitting the API name would not give them (reference §meta model v3/v4)
_TYPE_LABELS = {
    "ITComponent": "IT Component",
    "TechnicalStack": "Tech Category",
    "UserGroup": "User Group",
}
# words people write in capitals, and field names with a label of their own
_ACRONYMS = {
    "id": "ID",
    "it": "IT",
    "url": "URL",
    "api": "API",
    "eol": "EOL",
    "uuid": "UUID",
    "sso": "SSO",
    "graphql": "GraphQL",
    "ldif": "LDIF",
    "servicenow": "ServiceNow",
    "capex": "CapEx",
    "opex": "OpEx",
    "iaas": "IaaS",
    "paas": "PaaS",
    "saas": "SaaS",
}
_FIELD_LABELS = {"lxState": "Quality state", "naFields": "Not applicable fields"}
#: words a camel-case name splits in two that are one word to people (graphQLRequestCount, serviceNowId, capEx)
_JOINED = re.compile(r"graphql|servicenow|capex|opex", re.IGNORECASE)
_WORDS = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")
_ISO_DURATION = re.compile(
    r"-?P(?=\d|T\d)(?:(?P<weeks>\d+(?:[.,]\d+)?)W)?(?:(?P<days>\d+(?:[.,]\d+)?)D)?"
    r"(?:T(?=\d)(?:(?P<hours>\d+(?:[.,]\d+)?)H)?(?:(?P<minutes>\d+(?:[.,]\d+)?)M)?"
    r"(?:(?P<seconds>\d+(?:[.,]\d+)?)S)?)?"
)
_PERCENT_UNITS = frozenset({"share", "score"})


def is_missing(value: Any) -> bool:
    """True for None, NaN, NaT, ``pd.NA``, and empty (or blank) text, lists, tuples, sets and dicts."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, float | np.floating):
        return math.isnan(value)
    if isinstance(value, np.datetime64 | np.timedelta64):
        return bool(np.isnat(value))
    if isinstance(value, list | tuple | set | frozenset | dict | np.ndarray):
        return len(value) == 0
    return False


def _real(value: Any, what: str) -> float:
    """``value`` as a float; TypeError naming the formatter when it is not a number."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{what} takes a number, not {type(value).__name__} {value!r}")
    return float(value)


def _grouped(value: float, decimals: int) -> str:
    """``value`` with thousands separators and ``decimals`` places; never ``-0``."""
    shown = f"{value:,.{decimals}f}"
    return shown[1:] if shown.startswith("-") and not shown.strip("-0.,") else shown


def share(value: Any, *, digits: int = 1) -> str:
    """A share of 1 in percent: ``share(0.241379)`` → ``24.1%``; ``digits`` places (at most 3). The one way
    the kit writes a percentage: tables, figures, KPI files, messages and run records alike."""
    if is_missing(value):
        return MISSING
    number = _real(value, "share")
    if math.isinf(number):
        return ("-" if number < 0 else "") + "∞%"
    return _grouped(number * 100, min(digits, MAX_DECIMALS)) + "%"


def number(value: Any, *, decimals: int | None = None) -> str:
    """A number with thousands separators: whole numbers whole, others with up to 2 decimals (3 below 1).

    ``number(1234567.891)`` → ``1,234,568`` (from 100,000 on, decimals add nothing to read);
    ``number(1234.567)`` → ``1,234.57``; ``number(0.0042)`` → ``0.004``; ``number(0.0004)`` → ``< 0.001``.
    ``decimals`` fixes the places (at most 3): ``number(2.5, decimals=2)`` → ``2.50``.
    """
    if is_missing(value):
        return MISSING
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return f"{int(value):,}"
    number = _real(value, "number")
    if math.isinf(number):
        return "∞" if number > 0 else "-∞"
    if decimals is not None:
        return _grouped(number, max(0, min(decimals, MAX_DECIMALS)))
    size = abs(number)
    if number.is_integer() or size >= 100_000:
        return _grouped(number, 0)
    places = 2 if size >= 1 else MAX_DECIMALS
    shown = _grouped(number, places)
    if not shown.strip("-0.,"):  # rounds to zero but is not zero
        return "< 0.001" if number > 0 else "> -0.001"
    return shown.rstrip("0").rstrip(".") if "." in shown else shown


def money(value: Any, currency: str | None = "EUR") -> str:
    """An amount with 2 decimals and its ISO 4217 currency code: ``money(1234.5, "USD")`` → ``1,234.50 USD``.

    LeanIX keeps one currency per workspace (EUR unless changed); ``currency=None`` leaves the code out.
    """
    if is_missing(value):
        return MISSING
    amount = _grouped(_real(value, "money"), 2)
    return f"{amount} {currency}" if currency else amount


def _iso_seconds(text: str) -> float:
    """The seconds of an ISO 8601 duration without years and months (``PT0.00094385S``, ``P1DT2H``)."""
    found = _ISO_DURATION.fullmatch(text.strip())
    if found is None or not any(found.groupdict().values()):
        raise ValueError(
            f"duration: {text!r} is not an ISO 8601 duration in days, hours, minutes and seconds (such as "
            "'PT19.1S' or 'P1DT2H'); years and months have no fixed length, give them as days"
        )
    parts = {k: float(v.replace(",", ".")) if v else 0.0 for k, v in found.groupdict().items()}
    seconds = (
        parts["weeks"] * 604800
        + parts["days"] * 86400
        + parts["hours"] * 3600
        + parts["minutes"] * 60
        + parts["seconds"]
    )
    return -seconds if text.strip().startswith("-") else seconds


def _seconds(value: Any) -> float:
    if isinstance(value, pd.Timedelta | dt.timedelta):
        return float(value.total_seconds())
    if isinstance(value, np.timedelta64):
        return float(pd.Timedelta(value).total_seconds())
    if isinstance(value, str):
        return _iso_seconds(value)
    return _real(value, "duration")


def duration(value: Any) -> str:
    """A length of time, to the precision people need: ``< 1 ms``, ``250 ms``, ``3.9 s``, ``19 s``,
    ``4 min 5 s``, ``2 h 3 min``, ``1 day 2 h``.

    Takes a ``pd.Timedelta``, ``datetime.timedelta``, ``numpy.timedelta64``, a number of seconds, or an ISO
    8601 duration (``PT0.00094385S``, ``P1DT2H``); ValueError for other text.
    """
    if is_missing(value):
        return MISSING
    seconds = _seconds(value)
    if math.isnan(seconds):
        return MISSING
    sign, size = ("-" if seconds < 0 else ""), abs(seconds)
    if size == 0:
        return "0 s"
    if size < 0.001:
        return f"{sign}< 1 ms" if not sign else "> -1 ms"
    if size < 1 and round(size * 1000) < 1000:
        return f"{sign}{round(size * 1000)} ms"
    if size < 10 and round(size, 1) < 10:
        shown = f"{size:.1f}".removesuffix(".0")
        return f"{sign}{shown} s"
    whole = round(size)
    days, rest = divmod(whole, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        # whole hours are what a day-long run needs; rounding may carry into the next day
        days, hours = divmod(days * 24 + hours + (1 if minutes >= 30 else 0), 24)
        parts = [f"{days} day{'s' if days != 1 else ''}", f"{hours} h" if hours else ""]
    elif hours:
        parts = [f"{hours} h", f"{minutes} min" if minutes else ""]
    elif minutes:
        parts = [f"{minutes} min", f"{secs} s" if secs else ""]
    else:
        parts = [f"{secs} s"]
    return sign + " ".join(p for p in parts if p)


def _timestamp(value: Any, what: str) -> pd.Timestamp:
    """``value`` as a UTC timestamp (naive ones are taken as UTC); ValueError naming ``what`` otherwise."""
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{what}: {value!r} is not a date or time ({exc})") from None
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


def date(value: Any) -> str:
    """The day of a date or time, in UTC: ``2026-11-01`` (a ``Timestamp``, ``datetime``, ``date`` or ISO
    text)."""
    if is_missing(value):
        return MISSING
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    return f"{_timestamp(value, 'date'):%Y-%m-%d}"


def moment(value: Any) -> str:
    """A point in time to the minute, in UTC: ``2026-11-01 14:05 UTC``."""
    if is_missing(value):
        return MISSING
    return f"{_timestamp(value, 'moment'):%Y-%m-%d %H:%M} UTC"


def _words(name: str) -> list[str]:
    name = _JOINED.sub(lambda m: m.group().capitalize(), name)  # "graphQL" is one word, not "graph QL"
    return _WORDS.findall(name.replace("_", " ").replace(".", " ").replace("-", " "))


def type_label(type_name: Any) -> str:
    """A fact sheet type as LeanIX labels it: ``ITComponent`` → ``IT Component``, ``BusinessCapability`` →
    ``Business Capability``, ``TechnicalStack`` → ``Tech Category``."""
    if is_missing(type_name):
        return MISSING
    name = str(type_name)
    return _TYPE_LABELS.get(name) or " ".join(_words(name)) or name


def _sentence(words: list[str]) -> str:
    shown = []
    for index, word in enumerate(words):
        lower = word.lower()
        if lower in _ACRONYMS:
            shown.append(_ACRONYMS[lower])
        elif word.isupper() and len(word) > 1 and index == 0 and len(words) == 1:
            shown.append(word.capitalize())  # ACTIVE -> Active
        elif word.isupper() and len(word) > 1:
            shown.append(word)  # SAP, CMDB: acronyms stay
        else:
            shown.append(lower)
    text = " ".join(shown)
    return text[:1].upper() + text[1:]


def field_label(field: Any) -> str:
    """A field (or column) name as a heading, in sentence case: ``businessCriticality`` → ``Business
    criticality``, ``externalId`` → ``External ID``, ``updatedAt`` → ``Updated at``."""
    if is_missing(field):
        return MISSING
    name = str(field)
    if name in _FIELD_LABELS:
        return _FIELD_LABELS[name]
    words = _words(name)
    return _sentence(words) if words else name


def value_label(value: Any) -> str:
    """A select value's key as a label: ``businessCritical`` → ``Business critical``, ``phaseIn`` →
    ``Phase in``, ``ACTIVE`` → ``Active``; text that is not a key (has spaces) stays as it is."""
    if is_missing(value):
        return MISSING
    name = str(value)
    if " " in name.strip() or not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", name):
        return name
    return _sentence(_words(name))


def factsheet_url(host: str, workspace: str, type_name: str, id: str) -> str:  # noqa: A002 - LeanIX's word
    """A fact sheet's address in the LeanIX web app: ``https://HOST/WORKSPACE/factsheet/TYPE/ID``.

    ``host`` may carry its scheme (``https://acme.leanix.net``; the sandbox's ``http://127.0.0.1:PORT``);
    without one, https is used. The workspace name and id are URL-quoted.
    """
    for what, given in (("host", host), ("workspace", workspace), ("type", type_name), ("id", id)):
        if is_missing(given):
            raise ValueError(f"factsheet_url needs the {what}; got {given!r}")
    base = str(host).strip().rstrip("/")
    base = base if "://" in base else f"https://{base}"
    return (
        f"{base}/{quote(str(workspace), safe='')}/factsheet/{quote(str(type_name))}/{quote(str(id), safe='')}"
    )


def text(value: Any) -> str:
    """Any single value as text, by its kind: numbers by :func:`number`, times by :func:`date`, durations by
    :func:`duration` (also ISO 8601 duration text), true/false as ``Yes``/``No``, lists joined by commas."""
    if is_missing(value):
        return MISSING
    if isinstance(value, bool | np.bool_):
        return "Yes" if value else "No"
    if isinstance(value, pd.Timedelta | dt.timedelta | np.timedelta64):
        return duration(value)
    if isinstance(value, dt.date | np.datetime64):
        return date(value)
    if isinstance(value, numbers.Number) and not isinstance(value, numbers.Real):
        return str(value)
    if isinstance(value, numbers.Real):
        return number(value)
    if isinstance(value, str):
        return duration(value) if _ISO_DURATION.fullmatch(value.strip()) else value
    if isinstance(value, dict):
        return ", ".join(f"{field_label(k)}: {text(v)}" for k, v in value.items())
    if isinstance(value, Sized) and isinstance(value, list | tuple | set | frozenset | np.ndarray):
        return ", ".join(text(item) for item in value)
    return str(value)


def is_iso_duration(value: Any) -> bool:
    """True for text in the ISO 8601 duration form :func:`duration` reads (``PT0.00094385S``)."""
    return isinstance(value, str) and _ISO_DURATION.fullmatch(value.strip()) is not None


def kpi_value(value: Any, unit: str) -> str:
    """A KPI value in its unit (docs/metrics.md §4): shares and scores ``12.3%``, counts ``1,234``, days
    ``41 days``, ratios and others with 2 decimals (``1.25``); ``–`` when there is none."""
    if is_missing(value):
        return "–"
    if unit in _PERCENT_UNITS:
        return share(value)
    if unit == "count":
        return _grouped(_real(value, "kpi_value"), 0)
    if unit == "days":
        return f"{_grouped(_real(value, 'kpi_value'), 0)} days"
    return number(value, decimals=2)


def _shown(value: float, unit: str) -> tuple[float, int]:
    """A change in the units and places it is shown in (so rounding never hides or invents a sign)."""
    if unit in _PERCENT_UNITS:
        return round(value * 100, 1), 1
    if unit in ("count", "days"):
        return float(round(value)), 0
    return round(value, 2), 2


def kpi_change(delta: Any, unit: str) -> str:
    """A KPI's change, signed, in its unit: percentage points for shares and scores (``+1.0 pp``), ``+12``,
    ``-3 days``, ``+0.10``; ``0 days`` when it rounds to none; ``–`` when there is no earlier value."""
    if is_missing(delta):
        return "–"
    shown, places = _shown(_real(delta, "kpi_change"), unit)
    sign = "+" if shown > 0 else "-" if shown < 0 else ""
    body = f"{sign}{abs(shown):,.{places}f}"
    return f"{body} pp" if unit in _PERCENT_UNITS else f"{body} days" if unit == "days" else body
