"""``errorops report --stack NAME --period week|month [--end DATE] [--format markdown|json|html] [--charts DIR]
[--send] [--scheduled]``.

The process's KPIs ("Metrics and KPIs", alert_rules/kpis.yaml) measured from Sentry for a week or a
calendar month, each against its target and the period before, with the worst offenders and three
PNG charts. Exit 0: printed; 1: Sentry failed, or the configuration has problems; 2: wrong usage or
missing settings. Sentry is read with SENTRY_AUTH_TOKEN (read-only: org:read, event:read) and
SENTRY_BASE_URL, as the digest reads it.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..pipeline import REPO_ROOT
from . import Stop

if TYPE_CHECKING:
    from datetime import date



def add_parser(sub: Any) -> None:
    report = sub.add_parser("report", help="the weekly or monthly KPI report from Sentry, with charts")
    report.add_argument("--stack", required=True, help="stack name (its environment's Sentry project)")
    report.add_argument("--period", required=True, choices=("week", "month"))
    report.add_argument("--end", help="the first day not reported, YYYY-MM-DD (default: today in the report's zone); "
                                      "a week is the 7 days before it, a month the last whole month before it")
    report.add_argument("--format", choices=("markdown", "json", "html"), default="markdown")
    report.add_argument("--charts", type=Path, default=Path("errorops-report"),
                        help="directory the PNG charts are written to (default: ./errorops-report)")
    report.add_argument("--send", action="store_true",
                        help="also send it to Slack and by e-mail as alert_rules/kpis.yaml says, once per period")
    report.add_argument("--scheduled", action="store_true",
                        help="as the scheduled job runs it: a monthly report is made only on the first working day")
    report.add_argument("--root", type=Path, default=REPO_ROOT, help=argparse.SUPPRESS)


def _end(text: str | None, time_zone: str) -> date:
    from datetime import datetime, timezone
    from zoneinfo import ZoneInfo

    from ._reads import date_option

    if text is None:
        return datetime.now(timezone.utc).astimezone(ZoneInfo(time_zone)).date()
    return date_option("report", "--end", text)


def run(args: argparse.Namespace) -> int:
    import sys

    from ..kpi import render_html, render_json, render_markdown
    from ..kpi.charts import draw_charts
    from ..kpi.collect import collect
    from ..kpi.figures import build_report
    from ..kpi.periods import first_working_day, period_ending
    from ..model.kpis import kpi_spec
    from ._reads import model_and_stack, read_sentry

    model, spec, stack, env = model_and_stack("report", args.root, args.stack, kpi_spec,
                                              "alert_rules/kpis.yaml (kind: kpis)")
    end = _end(args.end, spec.time_zone)
    if args.scheduled and args.period == "month" and end != first_working_day(end):
        print(f"errorops report: {end.isoformat()} is not the first working day of its month "
              f"({first_working_day(end).isoformat()}): nothing to do", file=sys.stderr)
        return 0
    if args.send and spec.delivery is None:
        raise Stop(2, "errorops report: --send needs report.delivery in alert_rules/kpis.yaml")
    period = period_ending(args.period, end, spec.time_zone)
    collected = read_sentry("report", lambda client: collect(client, model.organization.slug, env.project.slug, period))
    report = build_report(model, spec, env.id, collected)
    try:
        charts = draw_charts(report, args.charts)
    except OSError as exc:
        raise Stop(1, f"errorops report: cannot write the charts to {args.charts}: {exc.strerror or exc}") from None
    if args.format == "html":
        sys.stdout.write(render_html.render(report, charts))
    else:
        renderer = render_json if args.format == "json" else render_markdown
        sys.stdout.write(renderer.render(report, [p.name for p in charts]))
    print(f"errorops report: charts written to {', '.join(str(p) for p in charts)}", file=sys.stderr)
    if not args.send or spec.delivery is None:
        return 0
    from ..deliver.report import send_report

    return send_report(spec.delivery, stack.name, report, charts)
