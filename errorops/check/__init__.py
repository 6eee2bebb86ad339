"""``errorops check``: the policy pack in policies/ over offline plans, through the analyzer protocol."""

from .analyzer_client import Diagnostic, PackError, PolicyPackProcess, Resource
from .config import policy_config
from .run import POLICY_DIR, CheckResult, Violation, resources_of, run_check

__all__ = [
    "POLICY_DIR", "CheckResult", "Diagnostic", "PackError", "PolicyPackProcess", "Resource", "Violation",
    "policy_config", "resources_of", "run_check",
]
