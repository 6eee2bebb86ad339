"""The daily digest: collect (Sentry reads) -> figures (pure) -> render (text, Markdown, JSON,
Slack Block Kit, HTML e-mail). Delivery is errorops.deliver's."""
