"""Time: the period, the dates, and each action's calendar within the period."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from paraphe.diagnostics import Diagnostic
from paraphe.i18n import _
from paraphe.manifest.model import DATED_BY_LAST_SIGNATURE
from paraphe.manifest.rules.base import Manifest, get
from paraphe.manifest.source_map import Pointer
from paraphe.placeholders import is_placeholder


def _period(manifest: Manifest) -> tuple[int, int | None]:
    """The period's years; its end None when a draft leaves it « [à compléter] » (final.placeholder refuses that)."""
    start, end = manifest.data["period"]["start"], manifest.data["period"]["end"]
    return start, end if isinstance(end, int) else None


def period_order(manifest: Manifest) -> Iterator[Diagnostic]:
    start, end = _period(manifest)
    if end is not None and start > end:
        yield manifest.at(
            ("period", "end"),
            _("the period ends ({end}) before it starts ({start})", end=end, start=start),
            "period.order",
        )


def period_duration(manifest: Manifest) -> Iterator[Diagnostic]:
    data = manifest.data
    start, end = _period(manifest)
    # A reversed period is reported once, as such; its length means nothing; an open one has none yet.
    if end is None or start > end or "duration" not in data:
        return
    years = end - start + 1
    if data["duration"] != years:
        yield manifest.at(
            ("duration",),
            _(
                "a duration of {duration} year(s) does not match the period {start}-{end} ({years} year(s))",
                duration=data["duration"],
                start=start,
                end=end,
                years=years,
            ),
            "period.duration",
        )


_DATES: tuple[Pointer, ...] = (("signature", "date"), ("plan", "date"))


def _date_pointers(data: dict[str, Any]) -> Iterator[Pointer]:
    for pointer in _DATES:
        value = get(data, pointer)
        # « électronique »: the last signature's day, none the manifest knows.
        if value is not None and not is_placeholder(value) and value != DATED_BY_LAST_SIGNATURE:
            yield pointer
    for i, party in enumerate(data.get("parties", [])):
        date = party.get("deliberation", {}).get("date")
        if date is not None and not is_placeholder(date):  # a draft's « [à compléter] »: final.placeholder
            yield ("parties", i, "deliberation", "date")


def dates_exist(manifest: Manifest) -> Iterator[Diagnostic]:
    """The schema checks a date's form (2020-02-30 has it); the calendar says whether the day exists."""
    for pointer in _date_pointers(manifest.data):
        value = get(manifest.data, pointer)
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            yield manifest.at(pointer, _("{value!r} is not a date of the calendar", value=value), "date.invalid")


def action_calendars(manifest: Manifest) -> Iterator[Diagnostic]:
    start, known_end = _period(manifest)
    if known_end is not None and start > known_end:
        return
    end = known_end if known_end is not None else 9999  # an open period bounds calendars by its start only
    for pointer, action, _depth in manifest.actions():
        calendar = action.get("calendar")
        if calendar is None:
            continue
        first, last = (calendar, calendar) if isinstance(calendar, int) else map(int, calendar.split("-"))
        here = pointer + ("calendar",)
        if first > last:
            yield manifest.at(
                here, _("calendar {calendar!r} ends before it starts", calendar=calendar), "calendar.order"
            )
        elif first < start or last > end:
            yield manifest.at(
                here,
                _(
                    "calendar {calendar!r} is outside the period {start}-{end}",
                    calendar=calendar,
                    start=start,
                    end=known_end if known_end is not None else "…",
                ),
                "calendar.period",
            )
