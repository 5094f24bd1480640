/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/// <reference lib="deno.ns" />
/**
 * Saving the calibrate page's adjusted model: a new version, checked against the contract and the
 * data, offered as a download (`save`) or kept in this browser for the other pages (`use`).
 */
import { type Model, modelDigest, parseModel } from "../../src/contract/mod.ts";
import { compileModel } from "../../src/model/mod.ts";
import type { Session } from "./session.ts";
import { setStoredModel } from "./store.ts";
import { download, fail, h, problemList, show } from "./ui.ts";

const $ = (id: string) => document.getElementById(id)!;

/** A new version name: the baseline's, stamped "-calibrated-YYYYMMDD-HHMM". */
export function suggestVersion(version: string): string {
  const d = new Date();
  const two = (n: number) => String(n).padStart(2, "0");
  const stamp = `${d.getFullYear()}${two(d.getMonth() + 1)}${two(d.getDate())}-${two(d.getHours())}${
    two(d.getMinutes())
  }`;
  return `${version.replace(/-calibrated-\d{8}-\d{4}$/, "")}-calibrated-${stamp}`;
}

/** The adjusted model as a file: new version, checked against the contract and the data. */
async function adjustedModelFile(
  session: Session,
  baseline: Model,
  model: Model,
): Promise<{ text: string; file: string; sha256: string }> {
  const version = ($("version") as HTMLInputElement).value.trim() || suggestVersion(baseline.version);
  const out = { ...structuredClone(model), version };
  const file = `${out.id}-${version}.json`.replace(/[^\w.\-]+/g, "_");
  const text = JSON.stringify(out, null, 2) + "\n";
  const parsed = parseModel(text, file);
  compileModel(parsed, session.report.schema, file);
  return { text, file, sha256: await modelDigest(parsed) };
}

/** Offers the adjusted model as a JSON file. */
export async function save(session: Session, baseline: Model, model: Model): Promise<void> {
  try {
    const { text, file, sha256 } = await adjustedModelFile(session, baseline, model);
    download(file, text);
    show(
      $("saved"),
      h(
        "div",
        { class: "ok", "data-testid": "saved" },
        `✓ Saved ${file} · sha256 ${sha256}. Check it with `,
        h("code", {}, `deno task evaluate --data <folder> --model ${file} --out <folder>`),
      ),
    );
  } catch (error) {
    const problems = (error as { problems?: [] }).problems;
    if (problems) {
      show($("saved"), h("div", { class: "error" }, "The adjusted model is not valid:"), problemList(problems));
    } else fail($("saved"), error);
  }
}

/** Keeps the adjusted model in this browser: every page opens on it. */
export async function use(session: Session, baseline: Model, model: Model): Promise<void> {
  try {
    const { text, file, sha256 } = await adjustedModelFile(session, baseline, model);
    await setStoredModel({ text, file, savedAt: new Date().toISOString() });
    show(
      $("saved"),
      h(
        "div",
        { class: "ok" },
        `✓ The audit and household pages now use ${file} (sha256 ${sha256.slice(0, 16)}…), kept in this browser only.`,
      ),
    );
  } catch (error) {
    fail($("saved"), error);
  }
}
