"""Number and change formats shared by every rendering, so text, Markdown, Slack and e-mail
show the same figure the same way (and a test can compare them)."""

from __future__ import annotations

from datetime import date

from .figures import Digest, Metric


def value(number: float | None, unit: str) -> str:
    if number is None:
        return "n/a"
    if unit == "%":
        return f"{number:.2f}%"
    if unit == "ms":
        return f"{number:.0f} ms"
    if unit == "/min":
        return f"{number:.2f}/min"
    return f"{number:g}"


def change(pct: float | None) -> str:
    return "n/a" if pct is None else f"{pct:+.1f}%"


def count_change(now: int, before: int) -> str:
    if before == 0:
        return "new" if now else "="
    return f"{(now - before) / before * 100:+.1f}%"


def plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def heading(d: Digest) -> str:
    weekday = date.fromisoformat(d.date).strftime("%A")
    return f"Daily digest of {d.environment} ({d.project}): {weekday} {d.date}"


def day_line(d: Digest) -> str:
    hours = f"{d.day_hours:g} h"
    return f"midnight to midnight {d.time_zone} ({hours}; UTC {d.day_start[:16]} to {d.day_end[:16]})"


def totals_line(d: Digest) -> str:
    return (f"{plural(d.total_events, 'event')} in {plural(d.total_issues, 'issue')} "
            f"(day before: {d.total_events_before} in {d.total_issues_before}; "
            f"events {count_change(d.total_events, d.total_events_before)})")


def categorized_line(d: Digest) -> str:
    if d.categorized_percent is None:
        return "Categorized: no errors that day"
    verdict = "on target" if d.categorized_percent > d.categorized_target else "BELOW TARGET"
    return (f"Categorized: {d.categorized_percent:.2f}% of events (target > {d.categorized_target:g}%): {verdict}; "
            f"uncategorized: {plural(d.uncategorized_events, 'event')} in {plural(len(d.uncategorized), 'issue')}")


def metric_line(m: Metric) -> str:
    text = (f"{m.name}: {value(m.today, m.unit)} (day before {value(m.day_before, m.unit)}, {change(m.change_day)}; "
            f"week before {value(m.week_before, m.unit)}, {change(m.change_week)})")
    if m.threshold:
        text += f"; {m.threshold}" + (": BREACHED" if m.breached else "")
    return text
