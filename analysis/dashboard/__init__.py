"""The interactive scenario explorer: ``python -m analysis.dashboard [--port N]`` (``make dashboard``).

A local Solara app (the toolkit Mesa's SolaraViz is built on) with two modes: run a scenario
(policy, scenario, scale, seeds and each lever group's budget and window; runs in the background,
several seeds in parallel) and explore a gathered sweep. Modules, bottom up:

- ``state``: the page's choices, their ranges and the Hydra override line that reproduces a run;
- ``runner``: runs in the background (progress, a process pool for several seeds) and gathers them;
- ``views``: the figures of analysis.figures for a run or a selection of a sweep, and downloads;
- ``text``: the page's labels in English and Chinese (figure labels come from analysis.style);
- ``app``: the Solara components (``Page``); ``__main__``: the command line.

See docs/dashboard.md.
"""
