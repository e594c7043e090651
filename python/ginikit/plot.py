"""Charts with matplotlib: Lorenz curves, estimates with intervals, trends and provinces.
Each function draws on `ax` (a new figure's axes when absent) and returns the axes."""

from __future__ import annotations

from typing import Any


def _axes(ax):
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(7, 5))
    return ax


def _columns(frame: Any, *names: str) -> list[list]:
    """Columns of a pandas/polars/pyarrow frame or a ginikit Table as lists."""
    out = []
    for n in names:
        col = frame[n]
        if hasattr(col, "to_pylist"):
            out.append(col.to_pylist())
        elif hasattr(col, "to_list"):
            out.append(col.to_list())
        elif hasattr(col, "tolist"):
            out.append(col.tolist())
        else:
            out.append(list(col))
    return out


def lorenz(curves: Any, ax=None, title: str = "Lorenz curves"):
    """Lorenz curves with the line of equality. `curves`: a `reproduce()` result (its rounds),
    a dict {label: (p, share)}, or a frame from `ginikit.lorenz` (columns p, share)."""
    ax = _axes(ax)
    if hasattr(curves, "lorenz") and isinstance(curves.lorenz, dict):
        curves = {k: curves.lorenz[k] for k in (curves.from_round, curves.to_round)}
    if not isinstance(curves, dict):
        p, s = _columns(curves, "p", "share")
        curves = {"Lorenz curve": (p, s)}
    for label, (p, s) in curves.items():
        ax.plot(p, s, label=str(label))
    ax.plot([0, 1], [0, 1], color="grey", linewidth=0.8, label="equality")
    ax.set_xlabel("population share (poorest first)")
    ax.set_ylabel("share of the total")
    ax.set_title(title)
    ax.legend()
    return ax


def estimates(frame: Any, label: str = "measure", ax=None, title: str = "Estimates with intervals"):
    """Estimates with their intervals, one row per line of `frame` (a `compute` result with
    standard errors), labelled by the `label` column."""
    ax = _axes(ax)
    names, est, lo, hi = _columns(frame, label, "estimate", "ci_lower", "ci_upper")
    y = list(range(len(est)))
    ax.errorbar(est, y, xerr=[[e - l for e, l in zip(est, lo)], [h - e for e, h in zip(est, hi)]], fmt="o", capsize=3)
    ax.set_yticks(y, [str(n) for n in names])
    ax.set_xlabel("estimate")
    ax.set_title(title)
    return ax


def trend(frame: Any, ax=None, title: str = "Changes between rounds"):
    """Changes with their intervals from a `trend` result; changes whose interval excludes
    zero are drawn with a filled marker."""
    ax = _axes(ax)
    frm, to, measure, change, lo, hi = _columns(frame, "from", "to", "measure", "change", "ci_lower", "ci_upper")
    for i, (c, l, h) in enumerate(zip(change, lo, hi)):
        excludes_zero = l > 0 or h < 0
        ax.errorbar([c], [i], xerr=[[c - l], [h - c]], fmt="o", capsize=3, color="C0",
                    mfc="C0" if excludes_zero else "white")
    ax.axvline(0, color="grey", linewidth=0.8)
    ax.set_yticks(range(len(change)), [f"{m} {a}→{b}" for m, a, b in zip(measure, frm, to)])
    ax.set_xlabel("change")
    ax.set_title(title)
    return ax


def provinces(result: Any, round: str | None = None, ax=None):
    """Province Gini with intervals against BPS's published values, from a `reproduce()`
    result (`round`: its from- or to-round; default the later one)."""
    ax = _axes(ax)
    round = round or result.to_round
    rows = result.estimates
    r, prov, m, est, lo, hi, pub = _columns(rows, "round", "province", "measure", "estimate", "ci_lower", "ci_upper", "published")
    pts = sorted(
        [
            (e, l, h, p, n)
            for rr, n, mm, e, l, h, p in zip(r, prov, m, est, lo, hi, pub)
            if rr == round and mm == "gini" and n is not None and n == n
        ],
        reverse=True,
    )
    y = list(range(len(pts)))[::-1]
    ax.errorbar([p[0] for p in pts], y, xerr=[[p[0] - p[1] for p in pts], [p[2] - p[0] for p in pts]], fmt="o", capsize=2, label=f"reproduced, {result.level:.0%} interval")
    ax.scatter([p[3] for p in pts], y, marker="x", color="C1", label="published (BPS)", zorder=3)
    ax.set_yticks(y, [p[4] for p in pts])
    ax.set_xlabel("Gini ratio")
    ax.set_title(f"Gini ratio by province, {round}")
    ax.legend()
    return ax
