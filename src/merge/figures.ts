/**
 * The 比对去重 page's figures as Observable Plot specs (pure: the page calls `Plot.plot` on them):
 * the match-weight distribution with the link and review thresholds, and a pair's waterfall
 * (prior, then each comparison's weight, then the term-frequency adjustment; bars run from the
 * running total before to after, as Splink draws it).
 */
import * as Plot from "@observablehq/plot";
import type { Waterfall } from "./explain.ts";
import type { CurveBin } from "./review.ts";

/** The distribution: pairs per weight bin, split into evidenced and name-only, with the two thresholds. */
export function weightDistributionSpec(
  curve: readonly CurveBin[],
  linkBits: number,
  reviewBits: number,
  width = 760,
): Plot.PlotOptions {
  const step = curve.length > 1 ? curve[1].from - curve[0].from : 1;
  const rows = curve.flatMap((b) => [
    { from: b.from, to: b.from + step, n: b.evidenced, kind: "evidence beyond names 有名字以外的证据" },
    { from: b.from, to: b.from + step, n: b.pairs - b.evidenced, kind: "name only 仅姓名" },
  ]).filter((r) => r.n > 0);
  return {
    width,
    height: 260,
    marginLeft: 56,
    x: { label: "匹配权重 Match weight (bits) →" },
    y: { label: "↑ 记录对 Pairs", type: "symlog", grid: true },
    color: {
      legend: true,
      domain: ["evidence beyond names 有名字以外的证据", "name only 仅姓名"],
      range: ["#2f5d8a", "#c9a227"],
    },
    marks: [
      Plot.rectY(rows, Plot.stackY({ x1: "from", x2: "to", y: "n", fill: "kind", insetLeft: 0.5 })),
      Plot.ruleX([linkBits], { stroke: "#b3261e", strokeWidth: 2 }),
      Plot.ruleX([reviewBits], { stroke: "#5f6b7a", strokeDasharray: "4,3", strokeWidth: 2 }),
      Plot.text([{ x: linkBits, label: "link 链接" }, { x: reviewBits, label: "review 复核" }], {
        x: "x",
        text: "label",
        frameAnchor: "top",
        dy: -4,
        dx: 4,
        textAnchor: "start",
      }),
      Plot.ruleY([0]),
    ],
  };
}

/** The waterfall of a pair: one bar per step from the running total before it to after it. */
export function waterfallSpec(w: Waterfall, width = 760): Plot.PlotOptions {
  const rows = w.steps.map((s, i) => {
    const delta = s.weight + s.tf_adjustment;
    const after = s.cumulative;
    const before = i === 0 ? 0 : after - delta;
    return {
      step: s.comparison === "prior" ? "prior 先验" : s.comparison === "tf" ? "tf 词频" : `${s.comparison}: ${s.level}`,
      before,
      after,
      delta,
      order: i,
    };
  });
  return {
    width,
    height: 40 + 26 * rows.length,
    marginLeft: 150,
    x: { label: "匹配权重 Match weight (bits) →", grid: true },
    y: { label: null, domain: rows.map((r) => r.step) },
    marks: [
      Plot.barX(rows, { y: "step", x1: "before", x2: "after", fill: (r) => (r.delta >= 0 ? "#2f5d8a" : "#b3261e") }),
      Plot.text(rows, {
        y: "step",
        x: "after",
        text: (r) => `${r.delta >= 0 ? "+" : ""}${r.delta.toFixed(2)}`,
        dx: 4,
        textAnchor: "start",
      }),
      Plot.ruleX([0]),
    ],
  };
}
