"""Which stacks ``--stack NAME|all`` means, in the order the environments are declared."""

from __future__ import annotations

from .types import Model, StackFile


def stacks_in_order(model: Model, name: str) -> list[StackFile]:
    """The stacks to plan for ``--stack NAME|all``, in the order environments are declared."""
    order: dict[str | None, int] = {e.id: i for i, e in enumerate(model.environments)}
    key = model.project_name + ":environment"
    stacks = sorted(model.stacks, key=lambda s: (order.get(s.values.get(key), len(order)), s.name))
    if name == "all":
        return stacks
    return [s for s in stacks if s.name == name]
