"""LoCoMo date strings, written correctly (LoCoMo itself labels 12:xx noon as "am")."""

from __future__ import annotations

from datetime import date, datetime


def format_session_datetime(when: datetime) -> str:
    """``1:56 pm on 8 May, 2023``; 12:xx is written ``pm`` and 00:xx ``12:xx am``."""
    hour12 = when.hour % 12 or 12
    ampm = "am" if when.hour < 12 else "pm"
    return f"{hour12}:{when.minute:02d} {ampm} on {when.day} {when:%B}, {when.year}"


def format_event_date(day: date) -> str:
    """``8 May, 2023``: the ``date`` field of ``events_session_<n>``."""
    return f"{day.day} {day:%B}, {day.year}"


def format_answer_date(day: date) -> str:
    """``7 May 2023``: how LoCoMo's temporal gold answers write a day."""
    return f"{day.day} {day:%B} {day.year}"


def parse_event_date(text: str) -> date:
    """Parse ``8 May, 2023`` / ``8 May 2023`` / ``2023-05-08`` (what LLMs tend to emit)."""
    cleaned = text.strip().replace(",", "")
    for fmt in ("%d %B %Y", "%Y-%m-%d", "%B %d %Y", "%d %b %Y", "%b %d %Y"):
        try:
            return datetime.strptime(cleaned, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"unrecognised date {text!r}")
