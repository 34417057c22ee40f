"""Figures for a Chinese report (issue 14): ``lang="zh"`` draws with the Noto Sans CJK SC font the
pip dependency mplfonts bundles (never its SimHei), with no missing-glyph warning, official Chinese
industry and district names, and line styles that differ for every industry (greyscale)."""

from __future__ import annotations

import warnings
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
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
