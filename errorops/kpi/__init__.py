"""The weekly and monthly KPI reports: collect (Sentry, through the digest's reader and the one client),
figures (pure computation), charts (matplotlib, Agg) and the renderers."""
