"""Java time on Python values: ``LocalDateTime`` (datetime), ``LocalDate`` (date), ``Duration`` (timedelta),
and the ``DateTimeFormatter`` pattern letters the LeanIX helpers use.

Supported pattern letters: ``y u`` (year; ``yy`` two digits, read as 20yy), ``M L`` (``M``/``MM`` number,
``MMM`` "Jul", ``MMMM`` "July"), ``d D H h k K m s S n a E`` and ``'quoted text'``. Zones, week-based
fields and optional sections are rejected with a clear error. Reading is lenient the way
``SimpleDateFormat`` is (``yy`` accepts a four-digit year literally, single letters accept more digits).
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

from .coercion import (
    coerce_to_long,
    coerce_to_string,
    describe,
    duration_parts,
    duration_to_string,
    local_date_time_to_string,
)
from .errors import JuelEvaluationError

__all__ = [
    "DATE_METHODS",
    "DATE_TIME_METHODS",
    "DURATION_METHODS",
    "format_date_time",
    "parse_date_time",
    "to_date",
]

_MONTHS = [calendar.month_name[i] for i in range(1, 13)]
_DAYS = [calendar.day_name[i] for i in range(7)]
_PATTERN_LETTERS = set("yuMLdDHhkKmsSnaE")


# -- LocalDateTime / LocalDate methods -------------------------------------------------------------------


def _plus_months(value: date, months: Any) -> date:
    count = coerce_to_long(months)
    total = value.year * 12 + (value.month - 1) + count
    year, month = divmod(total, 12)
    if not 1 <= year <= 9999:
        raise JuelEvaluationError(f"date out of range: year {year}")
    day = min(value.day, calendar.monthrange(year, month + 1)[1])
    return value.replace(year=year, month=month + 1, day=day)


def _plus(value: date, **unit: Any) -> date:
    ((name, amount),) = unit.items()
    try:
        return value + timedelta(**{name: coerce_to_long(amount)})
    except OverflowError:
        raise JuelEvaluationError(f"date out of range adding {amount} {name} to {value}") from None


def _minus(value: date, **unit: Any) -> date:
    ((name, amount),) = unit.items()
    try:
        return value - timedelta(**{name: coerce_to_long(amount)})
    except OverflowError:
        raise JuelEvaluationError(f"date out of range subtracting {amount} {name} from {value}") from None


def _with(value: date, field: str, amount: Any) -> date:
    try:
        return value.replace(**{field: int(coerce_to_long(amount))})
    except (ValueError, OverflowError) as exc:
        raise JuelEvaluationError(f"invalid value for {field}: {amount} ({exc})") from None


def _same_kind(value: date, other: Any, method: str) -> date:
    if isinstance(value, datetime) != isinstance(other, datetime) or not isinstance(other, date):
        raise JuelEvaluationError(f"{method}: expected a {_kind(value)} but got {describe(other)}")
    return other


def _kind(value: date) -> str:
    return "LocalDateTime" if isinstance(value, datetime) else "LocalDate"


def _compare(value: Any, other: Any) -> int:
    other = _same_kind(value, other, "compareTo")
    try:
        return (value > other) - (value < other)
    except TypeError as exc:
        raise JuelEvaluationError(f"compareTo: {exc}") from None


def _is_before(value: Any, other: Any) -> bool:
    return _compare(value, other) < 0


def _is_after(value: Any, other: Any) -> bool:
    return _compare(value, other) > 0


def _common_methods() -> dict[str, tuple[Any, int, int]]:
    return {
        "getYear": (lambda v: v.year, 0, 0),
        "getMonthValue": (lambda v: v.month, 0, 0),
        "getMonth": (lambda v: _MONTHS[v.month - 1].upper(), 0, 0),
        "getDayOfMonth": (lambda v: v.day, 0, 0),
        "getDayOfYear": (lambda v: v.timetuple().tm_yday, 0, 0),
        "getDayOfWeek": (lambda v: _DAYS[v.weekday()].upper(), 0, 0),
        "lengthOfMonth": (lambda v: calendar.monthrange(v.year, v.month)[1], 0, 0),
        "isLeapYear": (lambda v: calendar.isleap(v.year), 0, 0),
        "plusYears": (lambda v, n: _plus_months(v, coerce_to_long(n) * 12), 1, 1),
        "plusMonths": (_plus_months, 1, 1),
        "plusWeeks": (lambda v, n: _plus(v, weeks=n), 1, 1),
        "plusDays": (lambda v, n: _plus(v, days=n), 1, 1),
        "minusYears": (lambda v, n: _plus_months(v, -coerce_to_long(n) * 12), 1, 1),
        "minusMonths": (lambda v, n: _plus_months(v, -coerce_to_long(n)), 1, 1),
        "minusWeeks": (lambda v, n: _minus(v, weeks=n), 1, 1),
        "minusDays": (lambda v, n: _minus(v, days=n), 1, 1),
        "withYear": (lambda v, n: _with(v, "year", n), 1, 1),
        "withMonth": (lambda v, n: _with(v, "month", n), 1, 1),
        "withDayOfMonth": (lambda v, n: _with(v, "day", n), 1, 1),
        "isBefore": (_is_before, 1, 1),
        "isAfter": (_is_after, 1, 1),
        "isEqual": (lambda v, o: _compare(v, o) == 0, 1, 1),
        "compareTo": (_compare, 1, 1),
        "equals": (lambda v, o: type(v) is type(o) and v == o, 1, 1),
    }


#: Methods of ``LocalDate`` (Python ``date``).
DATE_METHODS: dict[str, tuple[Any, int, int]] = {
    **_common_methods(),
    "toString": (lambda v: v.isoformat(), 0, 0),
    "atStartOfDay": (lambda v: datetime(v.year, v.month, v.day), 0, 0),
}

#: Methods of ``LocalDateTime`` (Python ``datetime``).
DATE_TIME_METHODS: dict[str, tuple[Any, int, int]] = {
    **_common_methods(),
    "getHour": (lambda v: v.hour, 0, 0),
    "getMinute": (lambda v: v.minute, 0, 0),
    "getSecond": (lambda v: v.second, 0, 0),
    "getNano": (lambda v: v.microsecond * 1000, 0, 0),
    "plusHours": (lambda v, n: _plus(v, hours=n), 1, 1),
    "plusMinutes": (lambda v, n: _plus(v, minutes=n), 1, 1),
    "plusSeconds": (lambda v, n: _plus(v, seconds=n), 1, 1),
    "minusHours": (lambda v, n: _minus(v, hours=n), 1, 1),
    "minusMinutes": (lambda v, n: _minus(v, minutes=n), 1, 1),
    "minusSeconds": (lambda v, n: _minus(v, seconds=n), 1, 1),
    "withHour": (lambda v, n: _with(v, "hour", n), 1, 1),
    "withMinute": (lambda v, n: _with(v, "minute", n), 1, 1),
    "withSecond": (lambda v, n: _with(v, "second", n), 1, 1),
    "toLocalDate": (lambda v: v.date(), 0, 0),
    "toString": (local_date_time_to_string, 0, 0),
}


# -- Duration methods ----------------------------------------------------------------------------------


def _truncate(a: int, b: int) -> int:
    quotient = abs(a) // b
    return quotient if a >= 0 else -quotient


def _seconds(value: timedelta) -> int:
    return duration_parts(value)[0]


DURATION_METHODS: dict[str, tuple[Any, int, int]] = {
    "toDays": (lambda v: _truncate(_seconds(v), 86400), 0, 0),
    "toHours": (lambda v: _truncate(_seconds(v), 3600), 0, 0),
    "toMinutes": (lambda v: _truncate(_seconds(v), 60), 0, 0),
    "getSeconds": (_seconds, 0, 0),
    "toSeconds": (_seconds, 0, 0),
    "getNano": (lambda v: duration_parts(v)[1], 0, 0),
    "toMillis": (lambda v: _seconds(v) * 1000 + duration_parts(v)[1] // 1_000_000, 0, 0),
    "isNegative": (lambda v: v < timedelta(0), 0, 0),
    "isZero": (lambda v: v == timedelta(0), 0, 0),
    "abs": (abs, 0, 0),
    "negated": (lambda v: -v, 0, 0),
    "compareTo": (lambda v, o: (v > o) - (v < o) if isinstance(o, timedelta) else _bad_duration(o), 1, 1),
    "equals": (lambda v, o: isinstance(o, timedelta) and v == o, 1, 1),
    "toString": (duration_to_string, 0, 0),
}


def _bad_duration(other: Any) -> int:
    raise JuelEvaluationError(f"compareTo: expected a Duration but got {describe(other)}")


# -- conversions ---------------------------------------------------------------------------------------


def to_date_time(value: Any, what: str) -> datetime:
    """A LocalDateTime from a datetime, a date (midnight) or an ISO-8601 string."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime.combine(value, time())
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise JuelEvaluationError(f"{what}: {describe(value)} is not an ISO date or date-time") from None
        return parsed.replace(tzinfo=None)
    raise JuelEvaluationError(f"{what}: expected a LocalDateTime but got {describe(value)}")


def to_date(value: Any, what: str) -> date:
    """A LocalDate from a date, a datetime (its date) or a string starting with ``YYYY-MM-DD``."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip()[:10])
        except ValueError:
            raise JuelEvaluationError(f"{what}: {describe(value)} is not a date (YYYY-MM-DD)") from None
    raise JuelEvaluationError(f"{what}: expected a date but got {describe(value)}")


# -- DateTimeFormatter patterns ------------------------------------------------------------------------


@lru_cache(maxsize=256)
def _pattern_fields(pattern: str) -> tuple[tuple[str, int | str], ...]:
    """``(letter, count)`` fields and ``("'", text)`` literals of a DateTimeFormatter pattern."""
    fields: list[tuple[str, int | str]] = []
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "'":
            end = i + 1
            text = []
            while True:
                if end >= len(pattern):
                    raise JuelEvaluationError(f"date pattern {pattern!r}: unterminated quote")
                if pattern[end] == "'":
                    if end + 1 < len(pattern) and pattern[end + 1] == "'":
                        text.append("'")
                        end += 2
                        continue
                    break
                text.append(pattern[end])
                end += 1
            fields.append(("'", "".join(text) if end > i + 1 else "'"))
            i = end + 1
        elif char.isascii() and char.isalpha():
            count = 1
            while i + count < len(pattern) and pattern[i + count] == char:
                count += 1
            if char not in _PATTERN_LETTERS:
                raise JuelEvaluationError(
                    f"date pattern {pattern!r}: pattern letter {char!r} is not supported"
                )
            fields.append((char, count))
            i += count
        elif char in "[]{}#":
            raise JuelEvaluationError(
                f"date pattern {pattern!r}: {char!r} (optional sections) is not supported"
            )
        else:
            fields.append(("'", char))
            i += 1
    return tuple(fields)


def _number(value: int, count: int, letter: str, pattern: str) -> str:
    if count > 2 and letter not in "yuDSn":
        raise JuelEvaluationError(f"date pattern {pattern!r}: too many pattern letters {letter * count!r}")
    return str(value).rjust(count, "0")


def format_date_time(value: Any, pattern: str) -> str:
    """``value`` (LocalDateTime or LocalDate) written with a DateTimeFormatter pattern."""
    if not isinstance(value, date):
        raise JuelEvaluationError(f"expected a LocalDateTime to format but got {describe(value)}")
    has_time = isinstance(value, datetime)
    out: list[str] = []
    for letter, spec in _pattern_fields(pattern):
        if letter == "'":
            out.append(str(spec))
            continue
        count = int(spec)
        if letter in "HhkKmsSna" and not has_time:
            raise JuelEvaluationError(f"date pattern {pattern!r}: a LocalDate has no time ({letter!r})")
        if letter in "yu":
            out.append(
                f"{value.year % 100:02d}" if count == 2 else _number(value.year, count, letter, pattern)
            )
        elif letter in "ML":
            if count >= 4:
                out.append(_MONTHS[value.month - 1])
            elif count == 3:
                out.append(_MONTHS[value.month - 1][:3])
            else:
                out.append(_number(value.month, count, letter, pattern))
        elif letter == "d":
            out.append(_number(value.day, count, letter, pattern))
        elif letter == "D":
            out.append(_number(value.timetuple().tm_yday, count, letter, pattern))
        elif letter == "E":
            name = _DAYS[value.weekday()]
            out.append(name if count >= 4 else name[:3])
        else:
            assert isinstance(value, datetime)
            out.append(_format_time_field(value, letter, count, pattern))
    return "".join(out)


def _format_time_field(value: datetime, letter: str, count: int, pattern: str) -> str:
    if letter == "H":
        return _number(value.hour, count, letter, pattern)
    if letter == "h":
        return _number(value.hour % 12 or 12, count, letter, pattern)
    if letter == "k":
        return _number(value.hour or 24, count, letter, pattern)
    if letter == "K":
        return _number(value.hour % 12, count, letter, pattern)
    if letter == "m":
        return _number(value.minute, count, letter, pattern)
    if letter == "s":
        return _number(value.second, count, letter, pattern)
    if letter == "S":
        return f"{value.microsecond:06d}000"[:count].ljust(count, "0")
    if letter == "n":
        return _number(value.microsecond * 1000, count, letter, pattern)
    return "AM" if value.hour < 12 else "PM"


_FIELD_PATTERNS = {"M": r"[0-9]{1,2}", "d": r"[0-9]{1,2}", "H": r"[0-9]{1,2}", "h": r"[0-9]{1,2}"}


@lru_cache(maxsize=256)
def _parser(pattern: str) -> tuple[re.Pattern[str], tuple[tuple[str, int], ...]]:
    fields = _pattern_fields(pattern)
    parts: list[str] = []
    groups: list[tuple[str, int]] = []
    for index, (letter, spec) in enumerate(fields):
        if letter == "'":
            parts.append(re.escape(str(spec)))
            continue
        count = int(spec)
        following = fields[index + 1][0] if index + 1 < len(fields) else "'"
        adjacent = following != "'"
        if letter in "ML" and count >= 3:
            names = _MONTHS if count >= 4 else [m[:3] for m in _MONTHS]
            parts.append("(" + "|".join(names) + ")")
        elif letter == "E":
            names = _DAYS if count >= 4 else [d[:3] for d in _DAYS]
            parts.append("(" + "|".join(names) + ")")
        elif letter == "a":
            parts.append("(AM|PM|am|pm)")
        elif adjacent:
            parts.append(f"([0-9]{{{max(count, 4 if letter in 'yu' and count != 2 else count)}}})")
        elif letter in "yuSn":
            parts.append("([0-9]+)")
        else:
            parts.append(f"([0-9]{{1,{max(count, 2 if letter != 'D' else 3)}}})")
        groups.append((letter, count))
    return re.compile("".join(parts), re.IGNORECASE), tuple(groups)


def parse_date_time(text: Any, pattern: str) -> datetime:
    """A LocalDateTime read from ``text`` with a pattern; missing fields default to 1970-01-01 00:00."""
    source = coerce_to_string(text)
    regex, groups = _parser(pattern)
    match = regex.fullmatch(source.strip())
    if match is None:
        raise JuelEvaluationError(f"text {describe(source)} does not match the date pattern {pattern!r}")
    fields = {"year": 1970, "month": 1, "day": 1, "hour": 0, "minute": 0, "second": 0, "microsecond": 0}
    pm: bool | None = None
    day_of_year: int | None = None
    for (letter, count), raw in zip(groups, match.groups(), strict=True):
        if letter in "yu":
            number = int(raw)
            fields["year"] = 2000 + number if count == 2 and len(raw) == 2 else number
        elif letter in "ML":
            fields["month"] = (
                int(raw) if raw.isdigit() else [m[: len(raw)].lower() for m in _MONTHS].index(raw.lower()) + 1
            )
        elif letter == "d":
            fields["day"] = int(raw)
        elif letter == "D":
            day_of_year = int(raw)
        elif letter in "Hk":
            fields["hour"] = int(raw) % 24
        elif letter in "hK":
            fields["hour"] = int(raw) % 12
        elif letter == "m":
            fields["minute"] = int(raw)
        elif letter == "s":
            fields["second"] = int(raw)
        elif letter == "S":
            fields["microsecond"] = int(raw[:6].ljust(6, "0"))
        elif letter == "n":
            fields["microsecond"] = int(raw) // 1000
        elif letter == "a":
            pm = raw.upper() == "PM"
    if pm:
        fields["hour"] = fields["hour"] % 12 + 12
    try:
        result = datetime(
            fields["year"],
            fields["month"],
            fields["day"],
            fields["hour"],
            fields["minute"],
            fields["second"],
            fields["microsecond"],
        )
        if day_of_year is not None:
            result = result.replace(month=1, day=1) + timedelta(days=day_of_year - 1)
    except (ValueError, OverflowError) as exc:
        raise JuelEvaluationError(
            f"text {describe(source)} is not a valid date for {pattern!r}: {exc}"
        ) from None
    return result


def duration_between(start: Any, end: Any) -> timedelta:
    """Java's ``Duration.between(start, end)``."""
    first = to_date_time(start, "getDuration")
    second = to_date_time(end, "getDuration")
    return second - first
