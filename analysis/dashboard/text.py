"""The page's own labels in English and Chinese, in the form of analysis.style.TEXT (en, zh);
``t`` falls back to analysis.style's labels, so the page and the figures share one dictionary of
translations (figure titles, axes and units come from analysis.style itself)."""

from __future__ import annotations

from analysis import style

TEXT = {
    "title": ("SEI plan scenario explorer", "战略性新兴产业规划情景探索"),
    "mode_run": ("Run a scenario", "运行情景"),
    "mode_sweep": ("Explore a sweep", "浏览扫描结果"),
    "language": ("Language", "语言"),
    "policy": ("Policy", "政策"),
    "scenario_choice": ("Scenario (shocks)", "情景（冲击）"),
    "scale": ("Scale", "规模"),
    "seed": ("First seed", "起始随机种子"),
    "n_seeds": ("Seeds", "种子数"),
    "baseline": ("Baseline", "基准"),
    "levers": ("Lever groups: budget (x policy) and window", "措施组：预算（相对政策的倍数）与实施期"),
    "budget": ("budget x", "预算倍数"),
    "start": ("from", "起"),
    "end": ("to", "止"),
    "run": ("Run", "运行"),
    "running": ("Running {done}/{total} runs ...", "运行中 {done}/{total} ..."),
    "done": ("{n} runs in {s:.1f} s", "{n} 次运行，用时 {s:.1f} 秒"),
    "failed": ("The run failed: {error}", "运行失败：{error}"),
    "refused": ("Refused: {msg}", "拒绝：{msg}"),
    "fix_first": ("Correct the refused values first", "请先修正被拒绝的取值"),
    "override_line": ("Hydra override line (reproduces this run)", "Hydra 覆盖参数（可复现本次运行）"),
    "download": ("Download", "下载"),
    "download_line": ("override line", "覆盖参数"),
    "scorecard_title": ("Plan targets: probability met", "规划目标达成概率"),
    "va_view": ("Value added against the baseline", "增加值与基准对比"),
    "budget_view": ("Public spending by lever group", "各措施组的财政投入"),
    "district_view": ("Effect by district", "各区效果"),
    "sweep_folder": ("Sweep or experiment folder", "扫描或实验目录"),
    "load": ("Load", "加载"),
    "runs_loaded": ("{n} runs, override columns: {cols}", "{n} 次运行，覆盖参数列：{cols}"),
    "selection": ("Selection {name}", "选择 {name}"),
    "compare": ("Compare A and B", "比较 A 与 B"),
    "no_runs": ("No runs match", "没有匹配的运行"),
}


def t(key: str, lang: str = "en", **fmt) -> str:
    """The label ``key`` in ``lang`` (en | zh): the page's TEXT, else analysis.style.TEXT."""
    if key in TEXT:
        en, zh = TEXT[key]
        return (zh if lang == "zh" else en).format(**fmt)
    return style.t(key, lang, **fmt)
