/**
 * `deno task explain --data <folder> --model <model.json> --household <id>`: one household's score,
 * line by line — every indicator that fired (Chinese and English names, hits, points × weight),
 * the total, members, per-capita score, band, and the departments the warning is routed to.
 */
import { InputError } from "../src/contract/mod.ts";
import { shown } from "../src/base/terminal.ts";
import { dispatches, indicatorDepartment, routeHousehold, routingOf } from "../src/model/routing.ts";
import { explainHousehold } from "../src/score/mod.ts";
import { outFolder, parseArgs, print, required, runCommand, writeOut } from "./_cli.ts";
import { prepareRun } from "./_scoring.ts";

const USAGE =
  `Usage: deno task explain --data <dataset folder> --model <model.json> --household <id> [--json <file folder>] [--engine native|wasm]
Prints why one household scored what it did: each fired indicator, points × weight, total, members,
per-capita score, band and the departments its warning is routed to.`;

await runCommand(USAGE, async () => {
  const args = parseArgs(Deno.args, {
    values: ["data", "model", "household", "engine", "out"],
    flags: ["lenient", "force"],
  });
  const id = required(args, "household");
  // A file name of at most 120 characters of the id, whatever the id holds.
  const jsonName = `explain_${id.replaceAll(/[^A-Za-z0-9_-]/g, "_").slice(0, 120)}.json`;
  if (typeof args.out === "string") await outFolder(args, [jsonName], [required(args, "model")]);
  const run = await prepareRun(args);
  const explanation = await explainHousehold(run.db, run.compiled, id);
  await run.db.close();
  if (!explanation) {
    throw new InputError([{
      file: `${run.report.folder}/households`,
      column: "household_id",
      value: shown(id),
      message: `No household with household_id "${shown(id)}"`,
    }]);
  }
  const { household: h, indicators } = explanation;
  const lines: string[] = [];
  lines.push(
    `Household 户 ${h.household_id} · village 村 ${h.village ?? "?"} · category 类别 ${
      h.category ?? "?"
    } · members 人数 ${h.members}`,
  );
  lines.push(
    `Model ${run.model.id} ${run.model.version} (sha256 ${run.modelSha256}) · data digest ${run.report.digest}`,
  );
  lines.push("");
  lines.push("Fired indicators 触发指标:");
  const fired = indicators.filter((i) => i.hits > 0);
  const otherwise = indicators.filter((i) =>
    i.hits === 0 && i.points_total !== 0 || (i.hits > 0 && i.misses > 0 && i.otherwise !== 0)
  );
  for (const i of fired) {
    const who = i.level === "member" ? ` members ${i.members?.join(", ")}` : "";
    lines.push(
      `  ${i.id.padEnd(6)} ${i.name_zh ?? ""} / ${i.name ?? ""} [${i.category}${
        i.department ? ` → ${i.department}` : ""
      }]`,
    );
    lines.push(
      `         ${i.hits} × ${i.points} points × weight ${i.weight}${who}` +
        (i.misses > 0 && i.otherwise !== 0 ? `; ${i.misses} × otherwise ${i.otherwise} × ${i.weight}` : "") +
        ` → ${i.points_total}`,
    );
  }
  if (fired.length === 0) lines.push("  (none)");
  const otherOnly = otherwise.filter((i) => i.hits === 0);
  if (otherOnly.length > 0) {
    lines.push("Not fired, scoring `otherwise` 未触发但计分:");
    for (const i of otherOnly) {
      lines.push(
        `  ${i.id.padEnd(6)} ${i.name_zh ?? ""} / ${
          i.name ?? ""
        }: ${i.misses} × ${i.otherwise} × weight ${i.weight} → ${i.points_total}`,
      );
    }
  }
  const band = run.model.bands.find((b) => b.id === h.band);
  lines.push("");
  lines.push(`Total points 总分: ${h.total_points}`);
  lines.push(`Per-capita score 人均分: ${h.total_points} / ${h.members} = ${h.per_capita}`);
  lines.push(`Band 预警等级: ${band ? `${band.id} ${band.name_zh ?? ""} (min ${band.min})` : "not warned 未预警"}`);
  // The model's routing (src/model/routing.ts): the departments the case is dispatched to, listed in
  // the order of their first dispatching indicator in the model.
  const routing = routingOf(run.model.routing);
  const routed = routeHousehold(routing, indicators, { category: h.category });
  const departments = [
    ...new Set(
      indicators.filter((i) => dispatches(i.hits, i.weight * i.points)).map((i) => indicatorDepartment(routing, i)),
    ),
  ].filter((d) => routed.dispatched.includes(d));
  lines.push(
    `Dispatch 派单: ${
      h.band
        ? (departments.length > 0 ? departments.join(", ") : `${routed.competent} (no fired indicator adds points)`)
        : "none (not warned)"
    }`,
  );
  print(lines.join("\n"));
  if (typeof args.out === "string") {
    await writeOut(
      args.out,
      jsonName,
      JSON.stringify({ ...explanation, departments, dispatch: routed }, null, 2) + "\n",
    );
  }
});
