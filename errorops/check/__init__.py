"""``errorops check``: the policy pack in policies/ over offline plans, through the analyzer protocol.

config.py           the pack's config for a stack, derived from alert_rules/ (light: CI asks for it often)
analyzer_client.py  the pack as a process, spoken to over the analyzer protocol (gRPC)
run.py              plan each stack, hand every resource to the pack, collect the violations
"""
