"""Payloads put into words: one place, used by the plan table and by the review of a change."""
