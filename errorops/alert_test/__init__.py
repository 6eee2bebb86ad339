"""Alert tests: synthetic events, spans, series and log entries played against the planned
alerts with each service's own semantics (``errorops test``).

One module per job: ``load`` (files -> cases), ``sentry_alerts`` and ``sentry_monitors``
(Sentry's workflows and metric detectors), ``gcp_promql`` (PromQL conditions, run by
``promtool``), ``gcp_conditions`` (threshold, absence, SLO burn-rate and uptime conditions),
``gcp_logs`` (log entries -> log-based metrics), ``routes``
(who is notified, in the words of alert_rules/), ``run`` (cases over planned resources)
and ``coverage``.
"""
