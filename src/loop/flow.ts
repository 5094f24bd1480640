/**
 * The case flow of one replication (点单 → 派单 → 接单 → 核实 → 帮扶 → 销号):
 *
 * - **Discovery.** On each batch day every warned household enters as a case (channel `warning`),
 *   in household-id order; a household whose previous case is still open is not opened twice (one
 *   chain per household; counted as `already_open`). Applications arrive as a Poisson stream
 *   (channel `application`) at the single window, `applications_department`.
 *   A share `applications_from_dataset` of applications are made by dataset households (drawn
 *   uniformly); after the window they go on to the departments their case is dispatched to.
 * - **Dispatch.** A warning goes first to its responsible department (主责, by the model's routing;
 *   the competent department 主管 when no indicator dispatches): that department accepts and
 *   verifies it and keeps the case's clock (first-question responsibility). Then the executing
 *   departments (主抓) work on it in parallel; the case is cleared when the last finishes.
 * - **Verification** (when the scenario asks for it): after the first department, the case is in
 *   need with the scenario's probability; a case not in need is cleared there.
 * - **Assistance** (when the scenario asks for it): a case in need receives one assistance type,
 *   drawn with the dataset's shares for its channel, and an amount resampled from the dataset's
 *   amounts of that type and channel. Temporary assistance is given first (先行救助: at
 *   verification, before the other departments finish); any other type when the case is cleared.
 * - **Time limits.** A case is due `time_limit_days` after it was created: cleared by then is
 *   within the limit; a `breached` event marks the moment an open case passes its due time. At the
 *   horizon an open case is breached (past due) or censored (not yet due).
 *
 * Random numbers: each replication has its own stream family, `replication-<r>`; the application
 * arrivals draw from `replication-<r>/applications`, and each case draws its service times from its
 * own stream `replication-<r>/case-<id>` (its verification and assistance from
 * `replication-<r>/case-<id>/decision`), so two scenarios with the same
 * seed give the same case the same numbers (common random numbers: A − B differences are paired).
 */
import { Rng } from "../base/random.ts";
import type { Clock } from "./clock.ts";
import { exponentialGap, type Sampler, samplerOf } from "./distributions.ts";
import { Environment, Priority } from "./heap.ts";
import { LevelMonitor } from "./monitor.ts";
import { Department, type Task } from "./resource.ts";
import type { Scenario } from "./scenario.ts";

/** A household a batch warns, routed. */
export interface WarningCase {
  householdId: string;
  /** Band index (0 = the first, highest band). */
  band: number;
  /** The department that accepts, verifies and keeps the clock. */
  first: string;
  /** The executing departments, in the routing's order. */
  then: readonly string[];
}

/** Need probabilities for verification: per band for warnings, one for applications. */
export interface NeedProbabilities {
  warning: readonly number[];
  application: number;
}

/** Assistance types with their shares and the amounts to resample, per channel. */
export interface AssistanceTable {
  /** Type ids, sorted; shared by both channels. */
  types: readonly string[];
  warning: { weights: readonly number[]; amounts: readonly (readonly number[])[] };
  application: { weights: readonly number[]; amounts: readonly (readonly number[])[] };
}

/** The type given first, at verification (先行救助). */
export const ASSIST_FIRST = "temporary";

/**
 * The dataset's households as applicants: ids and the departments each household's case is
 * dispatched to (CSR over `departmentIds`, as `Population.householdDepartments`).
 */
export interface Applicants {
  householdIds: readonly string[];
  departmentIds: readonly string[];
  departments: { offsets: Int32Array; index: Int32Array };
}

/** What one run of the loop needs besides the scenario. */
export interface LoopInput {
  scenario: Scenario;
  clock: Clock;
  /** The households every batch warns (household-id order). */
  warnings: readonly WarningCase[];
  /** Present when the scenario verifies cases. */
  need?: NeedProbabilities | null;
  /** Present when the scenario assists cases in need. */
  assistance?: AssistanceTable | null;
  /** Needed when `discovery.applications_from_dataset` > 0. */
  applicants?: Applicants | null;
}

/** Event codes of the log, in the order of {@link EVENT_NAMES}. */
export const EVENT = {
  created: 0,
  queued: 1,
  started: 2,
  finished: 3,
  need: 4,
  no_need: 5,
  breached: 6,
  cleared: 7,
  assisted: 8,
  at_risk: 9,
  transferred: 10,
} as const;
/** The `event` column's words. */
export const EVENT_NAMES = [
  "created",
  "queued",
  "started",
  "finished",
  "need",
  "no_need",
  "breached",
  "cleared",
  "assisted",
  "at_risk",
  "transferred",
];

/** One case of a replication. */
export interface Case {
  id: string;
  householdId: string;
  channel: "warning" | "application";
  /** Band index for warnings; −1 for applications. */
  band: number;
  created: number;
  due: number;
  /** NaN while open. */
  cleared: number;
  /** Department indices the case has visited (tasks queued), in order. */
  departments: number[];
  pending: number;
  /** null until verified (or without verification). */
  need: boolean | null;
  /** Index into the assistance types; −1 when none was drawn. */
  assistance: number;
  amount: number;
  /** When the assistance was delivered (NaN until then). */
  assisted: number;
  stage: 0 | 1 | 2;
  /** Transfers so far (转办). */
  transfers: number;
  /** Escalated (督办) once at risk. */
  escalated: boolean;
  /** Its tasks not yet finished. */
  open: Task[];
  /** Executing departments (indices) still to queue after the first. */
  then: readonly number[];
}

/** The event log of one replication, in columns (event order = time order). */
export interface EventLog {
  caseIndex: number[];
  department: number[];
  code: number[];
  time: number[];
}

/** Per-department monitors at the end of a replication. */
export interface DepartmentResult {
  id: string;
  staff: number;
  /** Tasks queued at or after warm-up. */
  tasks: number;
  waitCount: number;
  waitSum: number;
  waitAtMostOneDay: number;
  busyArea: number;
  queueArea: number;
  /** Tasks waiting or in service at the horizon. */
  openAtHorizon: number;
  /** Tasks (queued after warm-up) over the stage limit, finished late or open past it at the horizon. */
  stageBreached: number;
}

/** The result of one replication. */
export interface ReplicationResult {
  replication: number;
  horizon: number;
  warmup: number;
  cases: Case[];
  log: EventLog;
  departments: DepartmentResult[];
  /** Warned households not re-opened because their case was still open. */
  alreadyOpen: number;
  /** Time-average number of open cases (from warm-up to the horizon). */
  openCasesMean: number | null;
  /** Sampled at every whole clock day 0 … ⌊horizon⌋, after that instant's events: tasks waiting per department, open cases. */
  daily: { waiting: Int32Array[]; open: Int32Array };
}

/** Indices and samplers of the scenario's departments. */
interface DepartmentPlan {
  index: Map<string, number>;
  samplers: Sampler[];
}

function planOf(scenario: Scenario): DepartmentPlan {
  return {
    index: new Map(scenario.departments.map((d, i) => [d.id, i])),
    samplers: scenario.departments.map((d) => samplerOf(d.service_days)),
  };
}

/** Runs replication `r` (0-based) of the scenario. Pure: same input, same result. */
export function runReplication(input: LoopInput, r: number): ReplicationResult {
  const { scenario, clock } = input;
  const plan = planOf(scenario);
  const env = new Environment();
  const horizon = clock.horizon;
  const warmup = Math.min(clock.fromDay(scenario.warmup_days), horizon);
  const limit = scenario.time_limit_days;
  const family = new Rng(scenario.seed).stream(`replication-${r + 1}`);
  const log: EventLog = { caseIndex: [], department: [], code: [], time: [] };
  const record = (c: number, d: number, code: number) => {
    log.caseIndex.push(c);
    log.department.push(d);
    log.code.push(code);
    log.time.push(env.now);
  };
  const cases: Case[] = [];
  const caseRng: Rng[] = [];
  const openByHousehold = new Map<string, number>();
  const openCases = new LevelMonitor(warmup);
  // Tasks are kept only where a stage limit is to be checked at the end.
  const tasks: (Task[] | null)[] = scenario.departments.map((d) => (d.time_limit_days === undefined ? null : []));

  const departments = scenario.departments.map((spec, i) =>
    new Department(env, { id: spec.id, index: i, staff: spec.staff, discipline: spec.discipline, warmup }, {
      started: (task) => record(task.caseIndex, i, EVENT.started),
      finished: (task) => record(task.caseIndex, i, EVENT.finished),
      released: (task) => taskDone(task, i),
    })
  );

  // Under the band discipline applications queue after warnings of every band.
  const applicationClass = input.warnings.reduce((m, w) => Math.max(m, w.band + 1), 0);

  const queue = (c: number, d: number) => {
    const kase = cases[c];
    const task: Task = {
      caseIndex: c,
      department: d,
      klass: kase.band >= 0 ? kase.band : applicationClass,
      escalated: kase.escalated,
      service: plan.samplers[d](caseRng[c]),
      queued: NaN,
      started: NaN,
      finished: NaN,
    };
    kase.departments.push(d);
    kase.open.push(task);
    kase.pending++;
    tasks[d]?.push(task);
    record(c, d, EVENT.queued);
    departments[d].request(task);
  };

  // Verification and assistance draw from the case's own `decision` stream, so turning them on or
  // off leaves the case's service times unchanged (scenarios stay paired).
  const decisions = new Map<number, Rng>();
  const decisionRng = (c: number): Rng => {
    let rng = decisions.get(c);
    if (!rng) decisions.set(c, rng = caseRng[c].stream("decision"));
    return rng;
  };

  const assign = (c: number) => {
    const kase = cases[c], table = input.assistance!;
    const pool = kase.channel === "warning" ? table.warning : table.application;
    if (pool.weights.length === 0 || pool.weights.every((w) => w === 0)) return;
    const rng = decisionRng(c);
    kase.assistance = rng.weighted(pool.weights);
    const amounts = pool.amounts[kase.assistance];
    kase.amount = amounts.length > 0 ? rng.one(amounts) : 0;
    if (table.types[kase.assistance] === ASSIST_FIRST) deliver(c);
  };

  const deliver = (c: number) => {
    cases[c].assisted = env.now;
    record(c, cases[c].departments[0], EVENT.assisted);
  };

  const clear = (c: number) => {
    const kase = cases[c];
    if (kase.assistance >= 0 && Number.isNaN(kase.assisted)) deliver(c);
    kase.cleared = env.now;
    record(c, -1, EVENT.cleared);
    openCases.add(env.now, -1);
    if (kase.householdId !== "") openByHousehold.delete(kase.householdId);
  };

  const taskDone = (task: Task, d: number) => {
    const c = task.caseIndex;
    const kase = cases[c];
    kase.open.splice(kase.open.indexOf(task), 1);
    const spec = scenario.departments[d];
    if (spec.transfer_probability > 0 && kase.transfers < scenario.max_transfers) {
      if (decisionRng(c).uniform() < spec.transfer_probability) {
        kase.transfers++;
        record(c, d, EVENT.transferred);
        kase.pending--;
        queue(c, plan.index.get(spec.transfer_to!)!);
        return;
      }
    }
    if (--kase.pending > 0) return;
    if (kase.stage === 0) {
      kase.stage = 1;
      if (input.need) {
        const p = kase.band >= 0 ? input.need.warning[kase.band] : input.need.application;
        kase.need = decisionRng(c).uniform() < p;
        record(c, kase.departments[0], kase.need ? EVENT.need : EVENT.no_need);
        if (!kase.need) return clear(c);
        if (input.assistance) assign(c);
      }
      if (kase.then.length > 0) {
        kase.stage = 2;
        for (const d of kase.then) queue(c, d);
        return;
      }
    }
    clear(c);
  };

  const create = (
    id: string,
    householdId: string,
    channel: Case["channel"],
    band: number,
    first: number,
    then: readonly number[],
  ) => {
    const c = cases.length;
    const kase: Case = {
      id,
      householdId,
      channel,
      band,
      created: env.now,
      due: env.now + limit,
      cleared: NaN,
      departments: [],
      pending: 0,
      need: null,
      assistance: -1,
      amount: 0,
      assisted: NaN,
      stage: 0,
      transfers: 0,
      escalated: false,
      open: [],
      then,
    };
    cases.push(kase);
    caseRng.push(family.stream(`case-${id}`));
    if (householdId !== "") openByHousehold.set(householdId, c);
    openCases.add(env.now, 1);
    record(c, -1, EVENT.created);
    if (kase.due <= horizon) {
      env.at(kase.due, Priority.observe, () => {
        if (Number.isNaN(kase.cleared)) record(c, -1, EVENT.breached);
      });
    }
    const escalation = scenario.escalation;
    if (escalation) {
      const atRisk = env.now + escalation.at_risk_share * limit;
      if (atRisk <= horizon) {
        env.at(atRisk, Priority.observe, () => {
          if (!Number.isNaN(kase.cleared)) return;
          record(c, -1, EVENT.at_risk);
          kase.escalated = true;
          for (const t of kase.open) departments[t.department].escalate(t);
        });
      }
    }
    queue(c, first);
  };

  // Batches: the warned households, routed (department indices resolved once).
  const routed = input.warnings.map((w) => ({
    w,
    first: plan.index.get(w.first)!,
    then: w.then.map((d) => plan.index.get(d)!),
  }));
  let alreadyOpen = 0;
  scenario.discovery.batches.forEach((batch, b) => {
    env.at(clock.fromDay(batch.day), Priority.arrival, () => {
      for (const { w, first, then } of routed) {
        if (openByHousehold.has(w.householdId)) {
          alreadyOpen++;
          continue;
        }
        create(`W${b + 1}-${w.householdId}`, w.householdId, "warning", w.band, first, then);
      }
    });
  });

  // Applications: a Poisson stream at the single window.
  const rate = scenario.discovery.applications_per_day;
  if (rate > 0) {
    const window = plan.index.get(scenario.discovery.applications_department!)!;
    const arrivals = family.stream("applications");
    // Who applies draws from its own stream, so the arrival times do not depend on it.
    const who = family.stream("applicants");
    const share = scenario.discovery.applications_from_dataset;
    const applicants = share > 0 ? input.applicants ?? null : null;
    const toScenario = applicants?.departmentIds.map((d) => plan.index.get(d) ?? -1) ?? [];
    let n = 0;
    const next = () => {
      const t = env.now + exponentialGap(arrivals, rate);
      if (t > horizon) return;
      env.at(t, Priority.arrival, () => {
        n++;
        if (applicants && applicants.householdIds.length > 0 && who.uniform() < share) {
          const h = who.int(0, applicants.householdIds.length - 1);
          const id = applicants.householdIds[h];
          if (openByHousehold.has(id)) alreadyOpen++;
          else {
            const { offsets, index } = applicants.departments;
            const then: number[] = [];
            for (let e = offsets[h]; e < offsets[h + 1]; e++) {
              const d = toScenario[index[e]];
              if (d >= 0 && d !== window) then.push(d);
            }
            create(`A${n}`, id, "application", -1, window, then);
          }
        } else create(`A${n}`, "", "application", -1, window, []);
        next();
      });
    };
    next();
  }

  // Daily samples (priority observe: after everything else at that instant).
  const days = Math.floor(horizon) + 1;
  const daily = { waiting: departments.map(() => new Int32Array(days)), open: new Int32Array(days) };
  const sample = (t: number) => {
    env.at(t, Priority.observe, () => {
      for (let i = 0; i < departments.length; i++) daily.waiting[i][t] = departments[i].waiting;
      daily.open[t] = openCases.value;
      if (t + 1 < days) sample(t + 1);
    });
  };
  sample(0);

  env.run(horizon);

  const results: DepartmentResult[] = departments.map((dep, i) => {
    const stageLimit = scenario.departments[i].time_limit_days;
    let stageBreached = 0;
    if (stageLimit !== undefined) {
      for (const t of tasks[i]!) {
        if (!(t.queued >= warmup)) continue;
        const end = Number.isNaN(t.finished) ? horizon : t.finished;
        if (end - t.queued > stageLimit) stageBreached++;
      }
    }
    return {
      id: dep.id,
      staff: dep.staff,
      tasks: dep.counted,
      waitCount: dep.waits.count,
      waitSum: dep.waits.sum,
      waitAtMostOneDay: dep.waits.atMost,
      busyArea: dep.busyStaff.area(horizon),
      queueArea: dep.queueLength.area(horizon),
      openAtHorizon: dep.waiting + dep.busy,
      stageBreached,
    };
  });
  return {
    replication: r + 1,
    horizon,
    warmup,
    cases,
    log,
    departments: results,
    alreadyOpen,
    openCasesMean: openCases.mean(horizon),
    daily,
  };
}
