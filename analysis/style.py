"""One style for every figure of the project: print-size fonts, a colour-blind-safe palette, units
in axis labels, a caption line (source and scenario), and PNG (300 dpi) / PDF / SVG output.

- Palette: Okabe & Ito (2008), safe for the common colour-vision deficiencies; industries also
  get their own line style and marker so the figures read in greyscale. Sequential maps: cividis.
- Sizes: figure widths for journal columns (88 mm single, 180 mm double), 8-9 pt text.
- Money: 100 million yuan (亿元, the unit of Shenzhen's statistics), current prices; ``YUAN_UNIT``
  is the divisor from the model's yuan.
- Language: labels in English (``lang="en"``); ``lang="zh"`` puts them in Chinese with the Noto
  Sans CJK SC font (SIL Open Font License) that the pip dependency ``mplfonts`` bundles, registered
  with matplotlib on first use (``bundled_cjk_font``; only that file: the package's SimHei.ttf may
  not be redistributed and is never registered), else a system CJK font; with none it warns
  (``CJKFontWarning``) and falls back to English. Industry and district names in Chinese are the
  official ones of sim/data/industries.csv and districts.csv (``name_zh``).
"""

from __future__ import annotations

import contextlib
import functools
import re
import textwrap
import warnings
from pathlib import Path

import matplotlib as mpl
import matplotlib.pyplot as plt
from matplotlib import font_manager

from sim.basedata import DATA_DIR
from sim.ids import INDUSTRIES
from sim.io import atomic_write

OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "grey": "#999999",
}
# industries: colour, line style and marker (redundant coding for greyscale print)
# (every line style differs: solid, dashed, dash-dot, dotted and four dash patterns)
INDUSTRY_STYLE: dict[str, tuple[str, object, str]] = {
    "IND-IT": (OKABE_ITO["blue"], "-", "o"),
    "IND-EQP": (OKABE_ITO["orange"], "--", "s"),
    "IND-GREEN": (OKABE_ITO["bluish_green"], "-.", "^"),
    "IND-BIO": (OKABE_ITO["reddish_purple"], ":", "D"),
    "IND-DIGI": (OKABE_ITO["sky_blue"], (0, (5, 1, 1, 1, 1, 1)), "v"),
    "IND-MAT": (OKABE_ITO["vermillion"], (0, (9, 3)), "P"),
    "IND-SEA": ("#B8A800", (0, (1, 1)), "X"),  # Okabe-Ito yellow darkened for lines on white
    "ALL": (OKABE_ITO["black"], (0, (9, 2, 2, 2)), "o"),
}
# scenarios with a fixed colour; others take SCENARIO_CYCLE in order
SCENARIO_COLORS = {
    "plan_2018": OKABE_ITO["blue"],
    "no_plan": OKABE_ITO["vermillion"],
    "none": OKABE_ITO["blue"],
    "history": OKABE_ITO["blue"],
    "steady": OKABE_ITO["bluish_green"],
}
SCENARIO_CYCLE = [
    OKABE_ITO[k]
    for k in ("orange", "bluish_green", "reddish_purple", "sky_blue", "black", "grey", "blue", "vermillion")
]
SEQUENTIAL = "cividis"
FORMATS = ("png", "pdf", "svg")
DPI = 300
MM = 1 / 25.4
WIDTH_SINGLE = 88 * MM  # inches
WIDTH_DOUBLE = 180 * MM
YUAN_UNIT = 1e8  # 100m yuan (亿元)
LANGS = ("en", "zh")
CJK_FONTS = (
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "Noto Sans CJK TC",
    "Noto Sans SC",
    "Noto Serif CJK SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "PingFang SC",
    "Heiti SC",
    "STHeiti",
    "Sarasa Gothic SC",
    "AR PL UMing CN",
    "AR PL UKai CN",
    "Droid Sans Fallback",
)

RC = {
    "font.size": 8,
    "axes.titlesize": 9,
    "axes.labelsize": 8,
    "xtick.labelsize": 7,
    "ytick.labelsize": 7,
    "legend.fontsize": 7,
    "legend.title_fontsize": 7,
    "legend.frameon": False,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#DDDDDD",
    "grid.linewidth": 0.5,
    "axes.axisbelow": True,
    "lines.linewidth": 1.4,
    "lines.markersize": 4,
    "axes.prop_cycle": mpl.cycler(
        color=[
            OKABE_ITO[k]
            for k in ("blue", "orange", "bluish_green", "reddish_purple", "sky_blue", "vermillion", "black")
        ]
    ),
    "figure.dpi": 100,
    "savefig.dpi": DPI,
    "savefig.bbox": "tight",
    "savefig.pad_inches": 0.03,
    "pdf.fonttype": 42,
    "ps.fonttype": 42,  # TrueType fonts embedded (journals ask for it)
    "svg.fonttype": "path",
    "image.cmap": SEQUENTIAL,
    "axes.titlelocation": "left",
    "axes.titleweight": "bold",
}


class CJKFontWarning(UserWarning):
    """lang='zh' was asked for but no CJK font is installed: labels fall back to English."""


BUNDLED_CJK_FILE = "NotoSansCJKsc-Regular.otf"  # in the mplfonts wheel (fonts/), SIL Open Font License


def bundled_cjk_font() -> Path | None:
    """Register the Noto Sans CJK SC font of the ``mplfonts`` package with matplotlib (once) and
    return its path; None when the package is not installed. Only this file is registered."""
    import importlib.util  # deferred: only when Chinese labels are asked for

    spec = importlib.util.find_spec("mplfonts")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "fonts" / BUNDLED_CJK_FILE
    if not path.is_file():
        return None
    if not any(Path(f.fname) == path for f in font_manager.fontManager.ttflist):
        font_manager.fontManager.addfont(str(path))
    return path


def cjk_font() -> str | None:
    """The name of an installed font with Chinese glyphs: the bundled Noto Sans CJK SC
    (``bundled_cjk_font``), else the first of CJK_FONTS found, else None."""
    bundled_cjk_font()
    names = {f.name for f in font_manager.fontManager.ttflist}
    for n in CJK_FONTS:
        if n in names:
            return n
    for n in sorted(names):  # any other CJK family matplotlib knows
        if "CJK" in n or "Han Sans" in n or "WenQuanYi" in n:
            return n
    return None


def resolve_lang(lang: str) -> str:
    """The language the labels will use: ``lang`` ("en" or "zh"); "zh" without a CJK font warns
    (CJKFontWarning) and gives "en"."""
    if lang not in LANGS:
        raise ValueError(f"lang: '{lang}' is not supported; allowed: {', '.join(LANGS)}")
    if lang == "zh" and cjk_font() is None:
        warnings.warn(
            "lang='zh': no CJK font found by matplotlib (pip install mplfonts, the project's dependency that "
            "bundles Noto Sans CJK SC, or install fonts-noto-cjk); labels fall back to English",
            CJKFontWarning,
            stacklevel=3,
        )
        return "en"
    return lang


@contextlib.contextmanager
def style(lang: str = "en"):
    """Context in which figures are drawn with the project style (rcParams); yields the language
    actually used (see ``resolve_lang``)."""
    eff = resolve_lang(lang)
    rc = dict(RC)
    if eff == "zh":
        # concrete family names (not the generic "sans-serif"): text keeps the CJK font when the
        # figure is drawn or saved after this context has closed
        rc["font.family"] = [cjk_font(), "DejaVu Sans"]
        rc["axes.unicode_minus"] = False
        rc["axes.titleweight"] = "normal"  # the bundled font has one weight (Regular)
    with mpl.rc_context(rc):
        yield eff


# ---------------------------------------------------------------------------------------------
# Labels
# ---------------------------------------------------------------------------------------------
INDUSTRY_NAMES = {
    "en": {
        "IND-IT": "New-generation IT",
        "IND-EQP": "High-end equipment",
        "IND-GREEN": "Green & low-carbon",
        "IND-BIO": "Biomedicine",
        "IND-DIGI": "Digital economy",
        "IND-MAT": "New materials",
        "IND-SEA": "Marine economy",
        "ALL": "All seven SEI",
    },
    "zh": {
        "IND-IT": "新一代信息技术",
        "IND-EQP": "高端装备制造",
        "IND-GREEN": "绿色低碳",
        "IND-BIO": "生物医药",
        "IND-DIGI": "数字经济",
        "IND-MAT": "新材料",
        "IND-SEA": "海洋经济",
        "ALL": "七大战略性新兴产业",
    },
}
TEXT = {
    "year": ("Year", "年份"),
    "va_unit": ("Value added (100m yuan)", "增加值（亿元）"),
    "output_unit": ("Output (100m yuan)", "产值（亿元）"),
    "va_diff_unit": ("Difference in value added (100m yuan)", "增加值差异（亿元）"),
    "va_effect_2025": (
        "Effect on SEI value added in {year} (100m yuan)",
        "对{year}年战略性新兴产业增加值的影响（亿元）",
    ),
    "spend_unit": ("Public spending (100m yuan/year)", "财政投入（亿元/年）"),
    "va_per_yuan": ("Value added per yuan spent (yuan/yuan)", "每元财政投入带来的增加值（元/元）"),
    "observed": ("Statistics (2018-2019)", "统计数据（2018-2019年）"),
    "median": ("Median", "中位数"),
    "band": ("{lo}-{hi}% band", "{lo}-{hi}%区间"),
    "trillion": ("Trillion-yuan cluster threshold", "万亿级产业集群门槛"),
    "hundredbn": ("100bn-yuan cluster threshold", "千亿级产业集群门槛"),
    "p_met": ("P(target met)", "达成目标的概率"),
    "target": ("Target", "目标"),
    "scenario": ("Scenario", "情景"),
    "lever_group": ("Lever group removed from the plan", "从规划中移除的措施组"),
    "va_title": ("Value added by industry", "各产业增加值"),
    "cluster_title": ("{measure} and cluster thresholds", "{measure}与集群门槛"),
    "fan_title": ("SEI value added, all seven industries", "七大产业增加值合计"),
    "diff_title": ("Paired difference vs {base}", "与{base}的配对差异"),
    "heat_title": ("Probability of meeting the plan's targets", "规划目标达成概率"),
    "forest_title": (
        "Effect of each lever group (plan - plan without the group)",
        "各措施组的作用（规划 - 去除该组的规划）",
    ),
    "district_title": ("{metric} by district, {year}", "各区{metric}，{year}年"),
    "growth_title": ("Growth of {metric} by district, {y0}-{y1}", "各区{metric}增长，{y0}-{y1}年"),
    "growth_unit": ("Growth per year (%)", "年均增长（%）"),
    "network_title": ("Supply-chain flows between industries, {year}", "产业间供应链流量，{year}年"),
    "degree_title": ("Firm degree distribution, {year}", "企业度分布，{year}年"),
    "degree": ("Degree (number of links)", "度（连接数）"),
    "ccdf": ("P(degree >= k)", "P(度 >= k)"),
    "in_degree": ("In-degree (suppliers)", "入度（供应商数）"),
    "out_degree": ("Out-degree (customers)", "出度（客户数）"),
    "budget_title": ("Public money by lever group", "各措施组的财政投入"),
    "vapy_title": ("Value added per yuan of public money", "每元财政投入的增加值"),
    "per_year": ("Same year", "当年"),
    "cumulative": ("Cumulative from 2019", "2019年起累计"),
    "va_per_spending": ("VA / spending", "增加值/支出"),
    "pct_of_plan_spend": ("% of plan  spend", "占规划%  支出"),
    "several_levers": ("several levers", "多项措施"),
    "no_snapshot": (
        "No network snapshot in these runs\n(run with output.snapshot_years=[{year}])",
        "这些运行没有网络快照\n（运行时设 output.snapshot_years=[{year}]）",
    ),
    "no_baseline": (
        "no no_plan runs in this sweep:\nshown is total VA / spending (not an effect)",
        "本组运行无 no_plan 情景：\n图为增加值总额/财政投入（非政策效果）",
    ),
    "output": ("Output", "产值"),
    "value_added": ("Value added", "增加值"),
    "employment": ("Employment", "就业"),
    "firms": ("Firms", "企业数"),
}
DISTRICT_NAMES_EN = {
    "futian": "Futian",
    "luohu": "Luohu",
    "nanshan": "Nanshan",
    "yantian": "Yantian",
    "baoan": "Bao'an",
    "longgang": "Longgang",
    "longhua": "Longhua",
    "pingshan": "Pingshan",
    "guangming": "Guangming",
    "dapeng": "Dapeng",
    "shenshan": "Shen-Shan",
}
DISTRICT_NAMES_ZH = {
    "futian": "福田",
    "luohu": "罗湖",
    "nanshan": "南山",
    "yantian": "盐田",
    "baoan": "宝安",
    "longgang": "龙岗",
    "longhua": "龙华",
    "pingshan": "坪山",
    "guangming": "光明",
    "dapeng": "大鹏",
    "shenshan": "深汕",
}


# scenario and lever-group ids in words (figures show these, not config ids)
SCENARIO_NAMES = {
    "plan_2018": ("the plan as enacted", "按2018年规划实施"),
    "no_plan": ("no plan (counterfactual)", "无规划（反事实）"),
    "none": ("the plan as enacted", "按2018年规划实施"),
    "history": ("observed demand", "实际需求路径"),
    "steady": ("steady trend demand", "趋势需求"),
    "tech_support": ("principle: technology support", "原则：科技支撑"),
    "key_breakthroughs": ("principle: key breakthroughs", "原则：重点突破"),
    "coordinated_layout": ("principle: coordinated layout", "原则：统筹布局"),
    "leading_development": ("principle: leading development", "原则：引领发展"),
    "access": ("market access", "市场准入"),
    "funding": ("funding", "资金支持"),
    "governance": ("governance", "统筹协调"),
    "ip": ("intellectual property", "知识产权"),
    "projects": ("major projects", "重大项目"),
    "space": ("industrial space", "产业空间"),
    "talent": ("talent", "人才"),
    "tech": ("technology and innovation carriers", "科技创新载体"),
    # the budget_mix experiment: the special fund's 3e9 yuan/year split across its four support modes
    "plan": ("the plan's split", "规划原有分配"),
    "grants_only": ("all as grants", "全部用于无偿资助"),
    "equity_heavy": ("mostly equity", "以股权投资为主"),
    "credit_heavy": ("mostly loan subsidies and risk compensation", "以贷款贴息和风险补偿为主"),
    "equal": ("an equal split of the four modes", "四种方式平均分配"),
    # the reallocate experiment (configs/budget_move/)
    "guidance_to_housing_5e8": (
        "5 (100m yuan) a year from the guidance fund to talent housing",
        "每年5亿元由引导基金调至人才住房",
    ),
    "guidance_to_housing_1e9": (
        "10 (100m yuan) a year from the guidance fund to talent housing",
        "每年10亿元由引导基金调至人才住房",
    ),
}


def scenario_name(label, lang: str = "en") -> str:
    """A scenario or lever-group id in words (``plan_2018`` -> "the plan as enacted")."""
    en, zh = SCENARIO_NAMES.get(str(label), (str(label), str(label)))
    return zh if lang == "zh" else en


def t(key: str, lang: str = "en", **fmt) -> str:
    """The label ``key`` in ``lang`` (en | zh), formatted with ``fmt``."""
    en, zh = TEXT[key]
    return (zh if lang == "zh" else en).format(**fmt)


@functools.cache
def official_names_zh(table: str) -> dict[str, str]:
    """id -> official Chinese name (``name_zh``) of sim/data/<table>.csv (industries, districts)."""
    import csv  # deferred: read once, on first use

    path = DATA_DIR / f"{table}.csv"
    with path.open(encoding="utf-8") as fh:
        key = {"industries": "industry_id", "districts": "district_id"}[table]
        return {r[key]: r["name_zh"] for r in csv.DictReader(fh)}


def industry_name(ind: str, lang: str = "en") -> str:
    if lang == "zh" and ind != "ALL":
        return official_names_zh("industries").get(ind, ind)
    return INDUSTRY_NAMES["zh" if lang == "zh" else "en"].get(ind, ind)


def district_name(d: str, lang: str = "en") -> str:
    if lang == "zh":
        return official_names_zh("districts").get(d, DISTRICT_NAMES_ZH.get(d, d))
    return DISTRICT_NAMES_EN.get(d, d)


def scenario_colors(labels) -> dict:
    """A colour per scenario label: SCENARIO_COLORS where fixed, else the Okabe-Ito cycle."""
    labels = list(dict.fromkeys(labels))
    out = {lab: SCENARIO_COLORS[lab] for lab in labels if lab in SCENARIO_COLORS}
    if len(set(out.values())) < len(out):  # e.g. plan_2018 and none together: keep the first
        seen = {}
        out = {lab: c for lab, c in out.items() if seen.setdefault(c, lab) == lab}
    k = 0
    for lab in labels:
        if lab not in out:
            free = [c for c in SCENARIO_CYCLE if c not in out.values()] or SCENARIO_CYCLE
            out[lab] = free[k % len(free)] if free is SCENARIO_CYCLE else free[0]
            k += 1
    return {lab: out[lab] for lab in labels}


def industry_style(ind: str) -> dict:
    c, ls, m = INDUSTRY_STYLE.get(ind, (OKABE_ITO["grey"], "-", "o"))
    return {"color": c, "linestyle": ls, "marker": m}


# ---------------------------------------------------------------------------------------------
# Figures: caption and output
# ---------------------------------------------------------------------------------------------
def figure(width: float = WIDTH_DOUBLE, height: float = 3.0, **kw):
    """A figure with constrained layout at a journal width (inches; WIDTH_SINGLE / WIDTH_DOUBLE)."""
    return plt.figure(figsize=(width, height), layout="constrained", **kw)


def legend_axes(fig, spec, handles, labels, ncol: int = 4, **kw):
    """A legend in its own (invisible) axes at ``spec`` (a gridspec slot, e.g. a bottom row), so
    the layout keeps it clear of the axes and the caption."""
    lax = fig.add_subplot(spec)
    lax.axis("off")
    leg = lax.legend(handles, labels, loc="center", ncol=ncol, handlelength=2.4, **kw)
    return leg


def _is_cjk(c: str) -> bool:
    return ord(c) >= 0x2E80


# a CJK character or full-width mark, a run of other non-space characters, or a run of spaces;
# closing marks stay with what precedes them (no line starts with ，。）；： etc.)
_TOKEN = re.compile(r"[\u2e80-\uffff][，。、；：）」』》！？%]*|[^\s\u2e80-\uffff]+[，。、；：）」』》！？]*|\s+")


def wrap_cjk(text: str, width: int) -> str:
    """Greedy wrap of mixed Chinese and Latin text to ``width`` Latin-character widths: a CJK
    character counts two, lines may break between any two CJK characters but never inside a Latin
    word or number, and closing punctuation never starts a line."""
    lines: list[str] = []
    line, used = "", 0
    for tok in _TOKEN.findall(text):
        w = sum(2 if _is_cjk(c) else 1 for c in tok)
        if tok.isspace():
            if line and used + w <= width:
                line, used = line + tok, used + w
            continue
        if line and used + w > width:
            lines.append(line.rstrip())
            line, used = "", 0
        line, used = line + tok, used + w
    if line.strip():
        lines.append(line.rstrip())
    return "\n".join(lines)


def caption(fig, text: str, width_chars: int | None = None, fontsize: float = 6.5) -> str:
    """Put ``text`` (source, scenario, units, notes) as a caption under the figure (wrapped to its
    width); the text is kept as ``fig.caption`` for tests and reuse."""
    w_in = fig.get_size_inches()[0]
    width_chars = width_chars or max(40, int(w_in * 72 / (fontsize * 0.55)))
    fill = wrap_cjk if any(_is_cjk(c) for c in text) else textwrap.fill
    wrapped = "\n".join(fill(p, width_chars) for p in text.split("\n"))
    # below the figure area: savefig(bbox_inches="tight") and the notebook display include it
    fig.text(0.005, -0.01, wrapped, ha="left", va="top", fontsize=fontsize, color="#333333")
    fig.caption = text
    return wrapped


def save(fig, out_dir, name: str, formats=FORMATS, dpi: int = DPI) -> list[Path]:
    """Write ``fig`` as ``<out_dir>/<name>.<fmt>`` for each format (png at ``dpi``), atomically;
    returns the paths. Metadata: no creation date (reproducible files)."""
    bad = [f for f in formats if f not in FORMATS]
    if bad:
        raise ValueError(f"formats: {bad} not supported; allowed: {', '.join(FORMATS)}")
    out = []
    meta = {
        "png": {"Software": None},
        "pdf": {"CreationDate": None, "Producer": None, "Creator": None},
        "svg": {"Date": None, "Creator": None},
    }
    for fmt in formats:
        path = Path(out_dir) / f"{name}.{fmt}"
        atomic_write(
            path,
            lambda p, fmt=fmt: fig.savefig(
                p, format=fmt, dpi=dpi, metadata=meta[fmt], bbox_inches="tight", pad_inches=0.04
            ),
        )
        out.append(path)
    return out


__all__ = [
    "OKABE_ITO",
    "INDUSTRY_STYLE",
    "SEQUENTIAL",
    "FORMATS",
    "DPI",
    "WIDTH_SINGLE",
    "WIDTH_DOUBLE",
    "YUAN_UNIT",
    "CJKFontWarning",
    "cjk_font",
    "resolve_lang",
    "style",
    "t",
    "industry_name",
    "district_name",
    "scenario_colors",
    "industry_style",
    "figure",
    "legend_axes",
    "caption",
    "save",
    "INDUSTRIES",
]
