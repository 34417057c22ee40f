"""Figure 5: Shenzhen's districts coloured by SEI output (or its growth).

By default a schematic tile map: the 11 districts (sim.ids.DISTRICTS) as equal tiles in roughly
their geographic positions (west to east, north row and coastal row; Shen-Shan, ~110 km east, set
apart). With ``geojson=PATH`` (any GeoJSON FeatureCollection of the districts, e.g. from an
official boundary file) the real polygons are drawn instead; no extra dependency is needed (the
file is read with json and drawn with matplotlib). Features are matched to districts by a
property holding the pinyin id, the English or the Chinese name (``id_property``, or found
automatically)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.patches import PathPatch, Rectangle
from matplotlib.path import Path as MplPath

from analysis import style as st
from analysis.figures._common import as_results, attach, caption_fields, pick
from sim.ids import DISTRICTS

# (column, row) of each tile; row 0 is the northern row (geographic sketch, not to scale)
TILES = {
    "baoan": (0, 0),
    "guangming": (1, 0),
    "longhua": (2, 0),
    "longgang": (3, 0),
    "pingshan": (4, 0),
    "nanshan": (1, 1),
    "futian": (2, 1),
    "luohu": (3, 1),
    "yantian": (4, 1),
    "dapeng": (5, 1),
    "shenshan": (6.6, 0.5),
}
METRICS = ("output", "value_added", "employment", "firms")
# the caption: "caption" with {what} = "growth" or "annual", {minus} (with a baseline) and {kind}
TEXT = {
    "en": {
        "caption": "{source}; scenario: {scenario}; {seeds}, {scale}. {what} of the SEI firms located in each "
        "district, mean over runs{minus}; {kind}. Money: 100m yuan = 1e8 yuan, current prices.",
        "growth": "Mean annual growth {y0}-{y1}",
        "annual": "Annual {metric} in {y1}",
        "minus": ", minus the same for {base}",
        "tiles": "schematic tile map (positions approximate, areas not to scale)",
        "geojson": "district boundaries from {file}",
    },
    "zh": {
        "caption": "{source}；情景：{scenario}；{seeds}，{scale}。各区内战略性新兴产业企业{what}，各次运行的均值"
        "{minus}；{kind}。金额单位亿元，当年价格。",
        "growth": "{y0}-{y1}年的年均增长",
        "annual": "{y1}年的{metric}",
        "minus": "，减去{base}的相应数值",
        "tiles": "示意性方块地图（位置为近似，面积不按比例）",
        "geojson": "区界取自{file}",
    },
}


def district_values(res, metric: str = "output", year: int | None = None, growth: bool = False) -> pd.DataFrame:
    """Per district: mean over the runs of ``metric`` (district rows of the annual table; yuan/year
    for output and value added) in ``year`` (default the last), or with ``growth`` its mean
    annual growth (%/yr) from the first year of the runs to ``year``. Columns district, value,
    first_year, year, runs."""
    a = res.annual
    a = a[(a["metric"] == metric) & (a["industry"] == "ALL") & (a["district"] != "ALL")]
    if a.empty:
        raise ValueError(f"metric: no district rows of '{metric}' in the annual table; allowed: {list(METRICS)}")
    years = sorted(int(y) for y in a["year"].unique())
    year = years[-1] if year is None else int(year)
    if year not in years:
        raise ValueError(f"year: {year} not in the runs; allowed: {years}")
    w = a.pivot_table(index=["district", "run_id"], columns="year", values="value", observed=True)
    w.columns = w.columns.astype(int)
    y0 = years[0]
    if growth:
        if year == y0:
            raise ValueError(f"year: growth needs a year after the first ({y0})")
        with np.errstate(divide="ignore", invalid="ignore"):
            g = ((w[year] / w[y0]) ** (1 / (year - y0)) - 1) * 100
        v = g.groupby(level="district", observed=True).mean()
    else:
        v = w[year].groupby(level="district", observed=True).mean()
    n = w[year].groupby(level="district", observed=True).size()
    out = pd.DataFrame({"district": list(DISTRICTS)})
    out["value"] = out["district"].map(v).astype(float)
    out["first_year"], out["year"] = y0, year
    out["runs"] = out["district"].map(n).fillna(0).astype(int)
    return out


def _geojson_shapes(path: Path, id_property: str | None) -> dict[str, list[np.ndarray]]:
    """District id -> list of polygon rings (lon, lat) from a GeoJSON FeatureCollection."""
    gj = json.loads(Path(path).read_text(encoding="utf-8"))
    feats = gj.get("features") if isinstance(gj, dict) else None
    if not feats:
        raise ValueError(f"geojson: {path} is not a GeoJSON FeatureCollection with features")
    from analysis.style import DISTRICT_NAMES_EN, DISTRICT_NAMES_ZH

    names = {}
    for d in DISTRICTS:
        for alias in (
            d,
            DISTRICT_NAMES_EN[d],
            DISTRICT_NAMES_ZH[d],
            DISTRICT_NAMES_ZH[d] + "区",
            DISTRICT_NAMES_ZH[d] + "新区",
            DISTRICT_NAMES_EN[d].replace("'", ""),
            DISTRICT_NAMES_EN[d] + " District",
        ):
            names[alias.lower()] = d
    names.update(
        {
            "深汕特别合作区": "shenshan",
            "shenzhen-shanwei special cooperation zone": "shenshan",
            "dapeng new district": "dapeng",
        }
    )
    shapes: dict[str, list[np.ndarray]] = {}
    for f in feats:
        props = f.get("properties") or {}
        keys = [id_property] if id_property else list(props)
        d = next(
            (
                names[str(props[k]).strip().lower()]
                for k in keys
                if k in props and str(props[k]).strip().lower() in names
            ),
            None,
        )
        if d is None:
            continue
        geom = f.get("geometry") or {}
        polys = geom.get("coordinates", [])
        if geom.get("type") == "Polygon":
            polys = [polys]
        elif geom.get("type") != "MultiPolygon":
            continue
        shapes.setdefault(d, []).extend(np.asarray(ring, dtype=float)[:, :2] for poly in polys for ring in poly[:1])
    if not shapes:
        raise ValueError(
            f"geojson: no feature of {path} matches a district (ids {list(DISTRICTS)}, English or Chinese "
            f"names); give id_property= the property that names the district"
        )
    return shapes


def fig_districts(
    results,
    scenario=None,
    by=None,
    *,
    metric: str = "output",
    year: int | None = None,
    growth: bool = False,
    geojson: str | Path | None = None,
    id_property: str | None = None,
    lang: str = "en",
    baseline=None,
):
    """Districts coloured by ``metric`` (default SEI output, 100m yuan/yr) in ``year``, or by its
    mean annual growth (``growth=True``, %/yr), mean over the runs of one scenario. Tile map by
    default; real polygons from ``geojson`` if given (see the module docstring).
    With ``baseline`` (a scenario label of ``by``) the map shows the effect: the scenario's value
    minus the baseline's (mean over their runs; growth in percentage points).
    ``fig.plot_data['districts']``: district_values (yuan/year or %/yr; the difference with ``baseline``)."""
    if metric not in METRICS:
        raise ValueError(f"metric: '{metric}' is not supported; allowed: {list(METRICS)}")
    full = as_results(results)
    res, name, label = pick(full, scenario, by)
    vals = district_values(res, metric, year, growth)
    if baseline is not None:
        base, _, _ = pick(full, baseline, by)
        vals["value"] = vals["value"] - district_values(base, metric, year, growth)["value"]
    money = metric in ("output", "value_added") and not growth
    shown = vals["value"] / st.YUAN_UNIT if money else vals["value"]
    import matplotlib as mpl

    with st.style(lang) as lang:
        fig = st.figure(st.WIDTH_SINGLE * 1.6, 2.9)
        ax = fig.subplots()
        cmap = mpl.colormaps[st.SEQUENTIAL]
        finite = shown[np.isfinite(shown)]
        norm = mpl.colors.Normalize(
            vmin=float(finite.min()) if len(finite) else 0, vmax=float(finite.max()) if len(finite) else 1
        )
        unit = (
            st.t("growth_unit", lang)
            if growth
            else f"{st.t(metric, lang)} ({'100m yuan/year' if lang == 'en' else '亿元/年'})"
            if money
            else st.t(metric, lang)
        )
        fmt = (lambda v: f"{v:+.1f}%") if growth else (lambda v: f"{v:,.0f}")
        if geojson is None:
            for (_, r), v in zip(vals.iterrows(), shown):
                cx, cy = TILES[r["district"]]
                colour = cmap(norm(v)) if np.isfinite(v) else "#E0E0E0"
                ax.add_patch(
                    Rectangle((cx - 0.47, -cy - 0.47), 0.94, 0.94, facecolor=colour, edgecolor="white", lw=1.5)
                )
                txt = "black" if np.isfinite(v) and norm(v) > 0.55 else "white"
                ax.text(
                    cx,
                    -cy + 0.14,
                    st.district_name(r["district"], lang),
                    ha="center",
                    va="center",
                    fontsize=6.5,
                    color=txt,
                    fontweight="bold",
                )
                ax.text(
                    cx, -cy - 0.16, fmt(v) if np.isfinite(v) else "n/a", ha="center", va="center", fontsize=6, color=txt
                )
            ax.annotate(
                "", xy=(6.1, -0.5), xytext=(5.55, -0.5), arrowprops={"arrowstyle": "-", "ls": ":", "color": "grey"}
            )
            ax.text(6.6, -1.05, "~110 km E" if lang == "en" else "东约110公里", ha="center", fontsize=5.5, color="grey")
            ax.set_xlim(-0.6, 7.2)
            ax.set_ylim(-1.7, 0.6)
            ax.set_aspect("equal")
            kind = TEXT[lang]["tiles"]
        else:
            shapes = _geojson_shapes(Path(geojson), id_property)
            for (_, r), v in zip(vals.iterrows(), shown):
                for ring in shapes.get(r["district"], []):
                    colour = cmap(norm(v)) if np.isfinite(v) else "#E0E0E0"
                    ax.add_patch(PathPatch(MplPath(ring), facecolor=colour, edgecolor="white", lw=0.8))
                if r["district"] in shapes:
                    allpts = np.vstack(shapes[r["district"]])
                    cx, cy = allpts.mean(axis=0)
                    ax.text(
                        cx,
                        cy,
                        f"{st.district_name(r['district'], lang)}\n{fmt(v) if np.isfinite(v) else 'n/a'}",
                        ha="center",
                        va="center",
                        fontsize=5.5,
                    )
            ax.autoscale_view()
            ax.set_aspect(1 / np.cos(np.deg2rad(22.6)))
            kind = TEXT[lang]["geojson"].format(file=Path(geojson).name)
        ax.axis("off")
        ax.grid(False)
        sm = mpl.cm.ScalarMappable(norm=norm, cmap=cmap)
        cb = fig.colorbar(sm, ax=ax, orientation="horizontal", fraction=0.06, pad=0.02, aspect=40)
        cb.set_label(unit)
        y0, y1 = int(vals["first_year"].iloc[0]), int(vals["year"].iloc[0])
        what = st.t(metric, lang)
        ax.set_title(
            st.t("growth_title", lang, metric=what, y0=y0, y1=y1)
            if growth
            else st.t("district_title", lang, metric=what, year=y1)
        )
        if baseline is not None:
            ax.set_title(f"{what} {y1}: {st.t('diff_title', lang, base=baseline)}")
        tx = TEXT[lang]
        metric_words = metric if lang == "en" else st.t(metric, lang)  # English keeps the metric id
        cap = tx["caption"].format(
            **caption_fields(res.runs, lang),
            scenario=st.scenario_name(label, lang),
            what=tx["growth" if growth else "annual"].format(y0=y0, y1=y1, metric=metric_words),
            minus="" if baseline is None else tx["minus"].format(base=st.scenario_name(baseline, lang)),
            kind=kind,
        )
        st.caption(fig, cap)
    attach(fig, districts=vals)
    return fig


__all__ = ["fig_districts", "district_values", "TILES"]
