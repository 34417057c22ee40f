"""The plan's measures as configurable, time-windowed levers (深府〔2018〕84号, clause ids of PLAN.md).

Modules: base (lever shape, context), targeting (who a lever reaches, as masks), calls (the
competitive call), awards (what the funding levers share), one module per group of measures
(special_fund and funding, tech, talent, space, access, ip, projects, governance), registry (every
lever in its declared order), config (the `policy` node), apply (the policy phase), validate.
"""
