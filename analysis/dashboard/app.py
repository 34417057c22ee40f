"""The Solara page (``Page``): mode "run a scenario" and mode "explore a sweep", English/Chinese.

State is per browser session (Solara's reactive variables). A run goes to a background task
(``solara.lab.task``, a thread) that calls analysis.dashboard.runner, which puts several seeds on
worker processes; the page shows its progress and stays usable. Every value the user types is
checked against its range (analysis.dashboard.state) and a refused value is named beside its
control, and the run button stays off until it is corrected.
"""

from __future__ import annotations

import os
from pathlib import Path

import solara
import solara.lab

from analysis.dashboard import views
from analysis.dashboard.runner import DEFAULT_OUT, Runner
from analysis.dashboard.state import (
    BASELINES,
    POLICIES,
    SCALES,
    SCENARIOS,
    Choices,
    LeverGroup,
    check_budget,
    check_seeds,
    check_window,
    command_line,
    overrides,
)
from analysis.dashboard.text import t
from analysis.results import Results, load
from sim.policy.intensity import GROUPS

RUNNER = Runner(os.environ.get("SEI_DASHBOARD_OUT", str(DEFAULT_OUT)))
FORMATS = ("png", "pdf", "svg")

lang = solara.reactive("en")
mode = solara.reactive("run")
policy = solara.reactive("plan_2018")
scenario = solara.reactive("history")
scale = solara.reactive("small")
baseline = solara.reactive("no_plan")
seed_text = solara.reactive("0")
n_seeds_text = solara.reactive("1")
budgets = solara.reactive({g: "1" for g in GROUPS})
windows = solara.reactive({g: ("", "") for g in GROUPS})
progress = solara.reactive((0, 0))  # (runs done, runs)
job = solara.reactive(None)  # the last finished runner.Job
sweep_path = solara.reactive(os.environ.get("SEI_DASHBOARD_SWEEP", ""))


def choices() -> Choices:
    groups = {
        g: LeverGroup(float(budgets.value[g]), windows.value[g][0].strip(), windows.value[g][1].strip()) for g in GROUPS
    }
    return Choices(
        policy=policy.value,
        scenario=scenario.value,
        scale=scale.value,
        seed=int(seed_text.value),
        n_seeds=int(n_seeds_text.value),
        baseline=baseline.value,
        groups=groups,
    )


def refused() -> dict[str, str]:
    """Control -> message for every value out of range (the run waits until it is empty)."""
    out = {}
    if msg := check_seeds(seed_text.value, n_seeds_text.value):
        out["seeds"] = msg
    for g in GROUPS:
        if msg := check_budget(budgets.value[g]):
            out[f"{g}.budget"] = msg
        if msg := check_window(*(w.strip() for w in windows.value[g])):
            out[f"{g}.window"] = msg
    return out


@solara.lab.task
def run_task(c: Choices):
    progress.set((0, 0))
    done = RUNNER.run(c, on_update=lambda j: progress.set((j.done, j.total)))
    job.set(done)
    return done


@solara.component
def Refused(msg: str | None):
    if msg:
        solara.Text(t("refused", lang.value, msg=msg), classes=["refused"], style={"color": "#B00020"})


@solara.component
def LeverRow(group: str):
    bmsg = check_budget(budgets.value[group])
    start, end = windows.value[group]
    wmsg = check_window(start.strip(), end.strip())
    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
        solara.Text(group, style={"width": "7em", "font-weight": "bold"})
        solara.InputText(
            f"{group} {t('budget', lang.value)}",
            value=budgets.value[group],
            on_value=lambda v: budgets.set({**budgets.value, group: v or ""}),
            error=bool(bmsg),
            classes=[f"budget-{group}"],
            style={"max-width": "9em"},
        )
        solara.InputText(
            t("start", lang.value),
            value=start,
            on_value=lambda v: windows.set({**windows.value, group: (v or "", windows.value[group][1])}),
            error=bool(wmsg),
            placeholder="2019Q1",
            style={"max-width": "7em"},
        )
        solara.InputText(
            t("end", lang.value),
            value=end,
            on_value=lambda v: windows.set({**windows.value, group: (windows.value[group][0], v or "")}),
            error=bool(wmsg),
            placeholder="2025Q4",
            style={"max-width": "7em"},
        )
        Refused(bmsg or wmsg)


@solara.component
def Figure(name: str, fig, stem: str):
    lg = lang.value
    with solara.Card(t(name, lg), classes=[f"view-{name}"]):
        if isinstance(fig, str):
            solara.Warning(fig)
            return
        solara.FigureMatplotlib(fig, format="png", dpi=110)
        with solara.Row():
            for fmt in FORMATS:
                solara.FileDownload(
                    lambda fmt=fmt: views.figure_bytes(fig, fmt),
                    filename=f"{stem}_{name}.{fmt}",
                    label=f"{t('download', lg)} {fmt.upper()}",
                )


@solara.component
def RunControls():
    lg = lang.value
    bad = refused()
    with solara.Card(t("mode_run", lg)):
        with solara.Row(style={"flex-wrap": "wrap"}):
            solara.Select(t("policy", lg), values=list(POLICIES), value=policy)
            solara.Select(t("scenario_choice", lg), values=list(SCENARIOS), value=scenario)
            solara.Select(t("scale", lg), values=list(SCALES), value=scale)
            solara.Select(t("baseline", lg), values=list(BASELINES), value=baseline)
        with solara.Row(style={"align-items": "center"}):
            solara.InputText(t("seed", lg), value=seed_text, style={"max-width": "9em"}, classes=["seed"])
            solara.InputText(t("n_seeds", lg), value=n_seeds_text, style={"max-width": "9em"}, classes=["n-seeds"])
            Refused(bad.get("seeds"))
        solara.Text(t("levers", lg), style={"font-weight": "bold"})
        for g in GROUPS:
            LeverRow(g)
        with solara.Row(style={"align-items": "center"}):
            solara.Button(
                t("run", lg),
                on_click=lambda: run_task(choices()),
                disabled=bool(bad) or run_task.pending,
                color="primary",
                classes=["run-button"],
            )
            if bad:
                solara.Text(t("fix_first", lg), style={"color": "#B00020"})
        if run_task.pending:
            done, total = progress.value
            solara.ProgressLinear(done / total if total else True)
            solara.Text(t("running", lg, done=done, total=total or "?"), classes=["progress-text"])
        if not bad:
            line = command_line(overrides(choices()))
            solara.Text(f"{t('override_line', lg)}:")
            with solara.Div(classes=["override-line"]):
                solara.Preformatted(line)
            solara.FileDownload(
                line + "\n", filename="sei_run.sh", label=f"{t('download', lg)} {t('download_line', lg)}"
            )


@solara.component
def RunResults():
    lg = lang.value
    j = job.value
    if j is None:
        return
    if j.status != "complete":
        solara.Error(t("failed", lg, error=j.error))
        return
    res: Results = j.results
    with solara.Div(classes=["run-done"]):
        solara.Success(t("done", lg, n=len(res.runs), s=j.wall_time_s))
    with solara.Div(classes=["ran-line"]):
        solara.Preformatted(command_line(j.tokens))
    solara.Text(str(j.folders["scenario"]), classes=["run-folder"])
    table = views.scorecard_table(res)
    rows = "".join(f"<tr><td>{target}</td><td>{p:.2f}</td></tr>" for target, p in table.to_numpy())
    solara.HTML(
        tag="div",
        unsafe_innerHTML=f"<table class='scorecard'><tr><th>target</th><th>P(met)</th></tr>{rows}</table>",
        style={"font-size": "0.85em"},
    )
    RunFigures(res, lg)


@solara.component
def RunFigures(res: Results, lg: str):
    figs = solara.use_memo(lambda: views.run_figures(res, lg), dependencies=[id(res), lg])
    with solara.ColumnsResponsive(12, large=6):
        for name, fig in figs.items():
            Figure(name, fig, "sei_run")


@solara.component
def SweepMode():
    lg = lang.value
    loaded, set_loaded = solara.use_state(None)
    error, set_error = solara.use_state("")
    sel_a, set_a = solara.use_state({})
    sel_b, set_b = solara.use_state({})

    def do_load():
        try:
            set_loaded(load(Path(sweep_path.value).expanduser()))
            set_error("")
        except Exception as exc:  # a folder without runs, unreadable tables: say so on the page
            set_error(f"{type(exc).__name__}: {exc}")

    with solara.Card(t("mode_sweep", lg)):
        with solara.Row(style={"align-items": "center"}):
            solara.InputText(
                t("sweep_folder", lg), value=sweep_path, classes=["sweep-path"], style={"min-width": "30em"}
            )
            solara.Button(t("load", lg), on_click=do_load, classes=["load-button"])
        if error:
            solara.Error(error)
    if loaded is None:
        return
    res: Results = loaded.complete()
    cols = [c for c in res.swept if c != "seed"] or ["policy"]
    with solara.Div(classes=["sweep-loaded"]):
        solara.Info(t("runs_loaded", lg, n=len(res.runs), cols=", ".join(cols)))
    with solara.Columns([1, 1]):
        for name, sel, set_sel in (("A", sel_a, set_a), ("B", sel_b, set_b)):
            with solara.Card(t("selection", lg, name=name), classes=[f"selection-{name}"]):
                for c in cols:
                    values = sorted(map(str, res.runs[c].dropna().unique()))
                    solara.SelectMultiple(
                        c,
                        values=sel.get(c, []),
                        all_values=values,
                        on_value=lambda v, c=c, s=sel, f=set_sel: f({**s, c: v}),
                    )
                n = int(views.select(res, sel).sum())
                solara.Text(f"{n} runs" if n else t("no_runs", lg))
    shown = res.runs.loc[views.select(res, sel_a) | views.select(res, sel_b), ["run_id", "seed", *cols]]
    solara.DataFrame(shown, items_per_page=10)
    both = views.compare(res, sel_a, sel_b)
    if not len(both.runs):
        return
    figs = views.sweep_figures(both, lg)
    with solara.ColumnsResponsive(12, large=6):
        for name, fig in figs.items():
            Figure(name, fig, "sei_sweep")


@solara.component
def Page():
    lg = lang.value
    solara.Title(t("title", lg))
    solara.Style(".override-line pre, .ran-line pre {white-space: pre-wrap; word-break: break-all;}")
    with solara.Column(style={"padding": "12px", "max-width": "1500px"}):
        with solara.Row(style={"align-items": "center"}):
            solara.Text(t("title", lg), style={"font-size": "1.6em", "margin-right": "1em"})
            solara.ToggleButtonsSingle(value=lang, values=["en", "zh"], classes=["lang"])
            solara.ToggleButtonsSingle(value=mode, values=["run", "sweep"], classes=["mode"])
        if mode.value == "run":
            RunControls()
            RunResults()
        else:
            SweepMode()
