"""``errorops check --stack NAME|all [--root PATH] [--pack DIR] [--policy-config]``.

Exit 0: no mandatory violation (advisory ones are printed too); 1: a mandatory
violation, a configuration problem or a stack that cannot be planned; 2: wrong usage.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ..pipeline import REPO_ROOT
from . import Stop


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    check = sub.add_parser(
        "check", help="plan stacks offline and run the policy pack in policies/ over every resource")
    check.add_argument("--stack", required=True, help="stack name, or 'all'")
    check.add_argument("--root", type=Path, default=REPO_ROOT, help="repository to check (default: this one)")
    check.add_argument("--pack", type=Path, default=None, help="policy pack folder (default: policies/ of errorops)")
    check.add_argument("--policy-config", action="store_true",
                       help="print the pack's config for the stack (JSON for pulumi --policy-pack-config) and exit")


def run(args: argparse.Namespace) -> int:
    from ..check.config import policy_config
    from ._stacks import repository_stacks

    model, stacks = repository_stacks("check", args.root, args.stack)
    if args.policy_config:
        # CI asks for this before every preview and up: it needs the model only, not the SDK.
        if len(stacks) != 1:
            raise Stop(2, "errorops check: --policy-config needs one stack, not 'all'")
        print(json.dumps(policy_config(model, stacks[0]), indent=2, sort_keys=True))
        return 0

    import pulumi

    from ..check.analyzer_client import PackError
    from ..check.run import POLICY_DIR, run_check

    try:
        checked = run_check(model, stacks, pack_dir=args.pack or POLICY_DIR)
    except (pulumi.RunError, PackError) as exc:
        raise Stop(1, f"errorops check: {exc}") from None
    for violation in checked.violations:
        print(violation.line())
    print(checked.summary())
    return 1 if checked.mandatory else 0
