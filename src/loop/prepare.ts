/**
 * From a scored population and a scenario to the loop's input: the scenario's bands and points
 * applied, the warned households routed, the departments checked, the need probabilities and the
 * assistance table taken from the dataset's verified rows when the scenario asks for them. What
 * `deno task loop` and `deno task bench` run.
 */
import { InputError, type Model } from "../contract/mod.ts";
import { allFrameLabels } from "../evaluate/frames.ts";
import type { VerifiedRow } from "../evaluate/metrics.ts";
import { bandCounts, type Population } from "../evaluate/population.ts";
import {
  applicantsOf,
  assistanceFromDataset,
  fixedNeed,
  needFromDataset,
  scenarioPopulation,
  unlistedDepartments,
  warningCasesOf,
} from "./cases.ts";
import type { LoopInput, NeedProbabilities } from "./flow.ts";
import { clockOf, type LoopVerification } from "./run.ts";
import type { Scenario } from "./scenario.ts";

/** The loop's input for one scenario, with what `loop.json` says about where it came from. */
export interface PreparedLoop {
  input: LoopInput;
  bandIds: string[];
  /** Warned households per band id under the scenario's bands. */
  warnedByBand: Record<string, number>;
  verification: LoopVerification | null;
}

/**
 * Prepares one scenario on a scored population. `verified` is the dataset's verified rows (null
 * when it has none). Throws an InputError (at the scenario file's paths) for unknown band or
 * indicator ids and for a department the cases reach that the scenario does not list.
 */
export function prepareLoop(
  population: Population,
  model: Model,
  scenario: Scenario,
  file: string,
  verified: readonly VerifiedRow[] | null,
): PreparedLoop {
  const scenarioPop = scenarioPopulation(population, model, scenario, file);
  const warnings = warningCasesOf(scenarioPop);
  const applicants = applicantsOf(scenarioPop);
  const unlisted = unlistedDepartments(scenario, warnings, file, applicants);
  if (unlisted.length > 0) throw new InputError(unlisted);
  const bandIds = scenarioPop.bandCuts.map((b) => b.id);
  let need: NeedProbabilities | null = null, verification: LoopVerification | null = null;
  if (scenario.verification) {
    if (scenario.verification.need === "dataset") {
      const labels = verified ? allFrameLabels(scenarioPop.frame.householdIds, verified) : null;
      const fromData = needFromDataset(scenarioPop, labels, bandIds);
      need = fromData.probabilities;
      verification = {
        need: "dataset",
        source:
          "the dataset's verified rows: per band, the share in need among warned households of the band verified through the warning channel; applications: among households verified through the application channel (Wilson 95% intervals)",
        estimates: fromData.estimates,
      };
    } else {
      need = fixedNeed(scenario.verification.need, bandIds);
      verification = { need: scenario.verification.need, source: "the scenario's fixed probability" };
    }
  }
  const assistance = scenario.assistance === "dataset" ? assistanceFromDataset(verified ?? []) : null;
  const counts = bandCounts(scenarioPop.bands, scenarioPop.bandCuts);
  return {
    input: { scenario, clock: clockOf(scenario), warnings, need, assistance, applicants },
    bandIds,
    warnedByBand: Object.fromEntries(bandIds.map((b) => [b, counts[b]])),
    verification,
  };
}
