"""The plan's measures as configurable, time-windowed levers (深府〔2018〕84号, clause ids of PLAN.md).

Modules: base (lever shape, registry, context), effects (what levers change in a quarter),
one module per group of measures (funding, tech, talent, space, access, ip, projects,
governance), config (the `policy` node), apply (the policy phase), validate, docs (levers.md).
Kept free of eager imports so that sim.phases can import sim.policy.effects without a cycle.
"""
