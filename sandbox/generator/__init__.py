"""The world generator: one module per table family, orchestrated by :mod:`.world`."""

from .world import WorldPlan, generate, generate_block, plan_world

__all__ = ["WorldPlan", "generate", "generate_block", "plan_world"]
