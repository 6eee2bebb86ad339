"""Pulumi entry point: everything lives in the errorops package."""

from errorops.program import run

run()
