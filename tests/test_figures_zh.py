"""Figures for a Chinese report (issue 14): ``lang="zh"`` draws with the Noto Sans CJK SC font the
pip dependency mplfonts bundles (never its SimHei), with no missing-glyph warning, official Chinese
industry and district names, line styles that differ for every industry (greyscale), and every
figure's caption in Chinese (English captions unchanged)."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from matplotlib import font_manager

from analysis import style as st
from analysis.figures.reallocation import fig_response_curve
from sim.ids import INDUSTRIES


def _curve() -> pd.DataFrame:
    return pd.DataFrame(
        {"amount": [5e8, 1e9], "effect": [2e9, 3e9], "effect_lo": [-1e9, 0.0], "effect_hi": [5e9, 6e9], "pairs": [3, 3]}
    )


def test_the_bundled_cjk_font_is_registered_and_simhei_never():
    path = st.bundled_cjk_font()
    assert path is not None and path.name == "NotoSansCJKsc-Regular.otf"
    assert st.cjk_font() == "Noto Sans CJK SC"
    assert not any("simhei" in Path(f.fname).name.lower() for f in font_manager.fontManager.ttflist)


def test_a_zh_figure_uses_the_cjk_font_with_no_missing_glyph(tmp_path):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig = fig_response_curve(_curve(), "产业资金", "人才住房", 2025, lang="zh")
        st.save(fig, tmp_path, "zh", formats=("png",))  # drawing is where missing glyphs warn
        with st.style("zh"):
            fonts = {font_manager.findfont(t.get_fontproperties()) for t in fig.findobj(plt.Text) if t.get_text()}
    missing = [str(w.message) for w in caught if "missing from" in str(w.message) or "Glyph" in str(w.message)]
    assert not missing, missing
    assert not [w for w in caught if issubclass(w.category, st.CJKFontWarning)]
    assert fig.axes[0].get_xlabel() == "调整资金（亿元/年）"
    assert "来源" in fig.caption
    assert any(f.endswith("NotoSansCJKsc-Regular.otf") for f in fonts), fonts
    assert (tmp_path / "zh.png").stat().st_size > 10_000
    plt.close(fig)


def test_official_chinese_names_and_distinct_line_styles():
    assert st.industry_name("IND-IT", "zh") == "新一代信息技术"
    assert st.district_name("nanshan", "zh") == "南山区"
    styles = [repr(st.industry_style(i)["linestyle"]) for i in (*INDUSTRIES, "ALL")]
    assert len(set(styles)) == len(styles), styles


# every figure with lang="zh" on the example tables (docs/example/): the caption is Chinese, from the
# Chinese source line, with no English sentence (ids such as policy or plan_2018 may remain)
ZH_CASES = [
    ("plan_vs_no_plan", "01_value_added", {}),
    ("plan_vs_no_plan", "02_scenarios", {}),
    ("plan_vs_no_plan", "03_scorecard", {}),
    ("lever_ablation", "04_levers", {}),
    ("plan_vs_no_plan", "05_districts", {}),
    ("plan_vs_no_plan", "05_districts", {"growth": True, "baseline": "no_plan"}),
    ("plan_vs_no_plan", "06_network", {}),
    ("plan_vs_no_plan", "06_network", {"scenario": "no_plan"}),  # no snapshots: input-output fallback
    ("plan_vs_no_plan", "07_budget", {}),
    ("lever_ablation", "07_budget", {}),  # no no_plan runs: the average instead of the return
    ("shocks", "08_shocks", {}),
    ("plan_vs_no_plan", "09_district_effects", {}),
    ("budget_mix", "10_budget_moves", {}),
]


@pytest.mark.parametrize(("folder", "name", "kw"), ZH_CASES, ids=[f"{n}-{f}-{len(k)}" for f, n, k in ZH_CASES])
def test_every_figure_has_a_chinese_caption(folder, name, kw):
    from analysis.figures import FIGURES, load_many
    from analysis.notebook import EXAMPLE

    res = load_many(EXAMPLE / folder)
    zh = FIGURES[name](res, lang="zh", **kw)
    en = FIGURES[name](res, lang="en", **kw)
    assert st.cjk_font() is not None  # else lang="zh" falls back to English
    assert zh.caption.startswith("来源：sei-sim 深圳战略性新兴产业规划"), zh.caption
    assert "随机种子" in zh.caption and "seed" not in zh.caption, zh.caption
    english = re.findall(r"[A-Za-z]{2,}(?:[ ,'-]+[A-Za-z]{2,}){2,}", zh.caption)  # 3+ English words in a row
    assert not english, (english, zh.caption)
    assert en.caption.startswith("Source: sei-sim") and not any(ord(c) >= 0x2E80 for c in en.caption)
    plt.close(zh)
    plt.close(en)


def test_caption_helpers_in_chinese_keep_english_unchanged():
    from analysis.figures._common import caption_fields, scale_text, seeds_text

    runs = pd.DataFrame({"seed": [0, 1, 2, 0], "scale": ["small"] * 4})
    assert seeds_text(runs) == "3 seeds (0-2)" and seeds_text(runs, "zh") == "3个随机种子（0-2）"
    assert seeds_text(runs.assign(seed=[0, 2, 5, 5])) == "3 seeds (0, 2, 5)"
    assert seeds_text(runs.assign(seed=[0, 2, 5, 5]), "zh") == "3个随机种子（0、2、5）"
    assert scale_text(runs) == "scale small" and scale_text(runs, "zh") == "小规模（十分之一主体）"
    assert scale_text(runs.drop(columns="scale"), "zh") == "规模未知"
    f = caption_fields(runs, "zh", year=2025)
    assert (
        f["source"] == "来源：sei-sim 深圳战略性新兴产业规划（深府〔2018〕84号）多主体模型"
        and f["n"] == 3
        and f["year"] == 2025
    )


def test_wrap_cjk_breaks_between_characters_not_inside_words_or_before_closing_marks():
    from analysis.style import wrap_cjk

    text = "来源：sei-sim 深圳战略性新兴产业规划多主体模型；3个随机种子（0-2），小规模（十分之一主体）。金额：亿元，当年价格。"
    lines = wrap_cjk(text, 30).split("\n")
    assert len(lines) > 1 and "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert all(sum(2 if ord(c) >= 0x2E80 else 1 for c in ln) <= 30 for ln in lines)
    assert not any(ln[0] in "，。、；：）" for ln in lines)
    assert any("sei-sim" in ln for ln in lines) and all("0-2" in ln or "0-" not in ln for ln in lines)
