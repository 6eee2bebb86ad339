"""errorops: the AI Content Factory error-management process as Pulumi infrastructure.

Data flows one way: alert_rules/*.yaml -> load -> validate -> model -> declare
-> Pulumi engine (or the offline mock runtime in ``plan``) -> policy pack.
"""
