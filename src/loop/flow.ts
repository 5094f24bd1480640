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
  escalated: 11,
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
  "escalated",
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
  /** Tasks taken over by the higher office (`escalation.to`). */
  toOffice: number;
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

/**
 * The batch (0 … batches − 1) a warned household enters under `warnings: "split"`: FNV-1a of its
 * id, scaled to [0, 1) and cut into equal shares; the same in every replication and scenario.
 */
export function batchOfHousehold(householdId: string, batches: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < householdId.length; i++) {
    h ^= householdId.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return Math.min(batches - 1, Math.floor((h / 4294967296) * batches));
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
  return new Replication(input, r).run();
}

/**
 * One replication: its environment, departments, cases and log. Each kind of event is one named
 * method — discovery (`#batch`, `#application`), `#create`, `#queue`, `#afterTask` (transfer,
 * verification, dispatch onward), `#assign` / `#deliver` (assistance), `#clear`, and the clock's
 * `#due` and `#atRisk` checks.
 */
class Replication {
  readonly #input: LoopInput;
  readonly #scenario: Scenario;
  readonly #plan: DepartmentPlan;
  readonly #env = new Environment();
  readonly #horizon: number;
  readonly #warmup: number;
  readonly #family: Rng;
  readonly #replication: number;
  readonly #log: EventLog = { caseIndex: [], department: [], code: [], time: [] };
  readonly #cases: Case[] = [];
  readonly #caseRng: Rng[] = [];
  /** Verification and assistance draw from each case's `decision` stream: turning them on or off leaves service times unchanged. */
  readonly #decisions = new Map<number, Rng>();
  readonly #openByHousehold = new Map<string, number>();
  readonly #openCases: LevelMonitor;
  /** Tasks are kept only where a stage limit is to be checked at the end. */
  readonly #tasks: (Task[] | null)[];
  readonly #departments: Department[];
  /** Under the band discipline applications queue after warnings of every band. */
  readonly #applicationClass: number;
  /** The higher office's department index (`escalation.to`), −1 without one. */
  readonly #office: number;
  #alreadyOpen = 0;
  #applications = 0;

  constructor(input: LoopInput, r: number) {
    this.#input = input;
    this.#scenario = input.scenario;
    this.#plan = planOf(input.scenario);
    this.#horizon = input.clock.horizon;
    this.#warmup = Math.min(input.clock.fromDay(input.scenario.warmup_days), this.#horizon);
    this.#replication = r + 1;
    this.#family = new Rng(input.scenario.seed).stream(`replication-${r + 1}`);
    this.#openCases = new LevelMonitor(this.#warmup);
    this.#tasks = this.#scenario.departments.map((d) => (d.time_limit_days === undefined ? null : []));
    this.#departments = this.#scenario.departments.map((spec, i) =>
      new Department(this.#env, {
        id: spec.id,
        index: i,
        staff: spec.staff,
        discipline: spec.discipline,
        warmup: this.#warmup,
      }, {
        started: (task) => this.#record(task.caseIndex, i, EVENT.started),
        finished: (task) => this.#record(task.caseIndex, i, EVENT.finished),
        released: (task) => this.#afterTask(task, i),
      })
    );
    this.#applicationClass = input.warnings.reduce((m, w) => Math.max(m, w.band + 1), 0);
    const to = input.scenario.escalation?.to;
    this.#office = to === undefined ? -1 : this.#plan.index.get(to)!;
  }

  /** Schedules discovery and the daily samples, runs to the horizon, and reads the monitors. */
  run(): ReplicationResult {
    this.#scheduleBatches();
    this.#scheduleApplications();
    const daily = this.#scheduleSamples();
    this.#env.run(this.#horizon);
    return {
      replication: this.#replication,
      horizon: this.#horizon,
      warmup: this.#warmup,
      cases: this.#cases,
      log: this.#log,
      departments: this.#departments.map((dep, i) => this.#departmentResult(dep, i)),
      alreadyOpen: this.#alreadyOpen,
      openCasesMean: this.#openCases.mean(this.#horizon),
      daily,
    };
  }

  #record(c: number, d: number, code: number): void {
    const log = this.#log;
    log.caseIndex.push(c);
    log.department.push(d);
    log.code.push(code);
    log.time.push(this.#env.now);
  }

  #decision(c: number): Rng {
    let rng = this.#decisions.get(c);
    if (!rng) this.#decisions.set(c, rng = this.#caseRng[c].stream("decision"));
    return rng;
  }

  // ------------------------------------------------------------------ discovery

  /** Batches: every warned household, routed (department indices resolved once), on each batch day. */
  #scheduleBatches(): void {
    const index = this.#plan.index;
    const routed = this.#input.warnings.map((w) => ({
      w,
      first: index.get(w.first)!,
      then: w.then.map((d) => index.get(d)!),
    }));
    const batches = this.#scenario.discovery.batches;
    const split = this.#scenario.discovery.warnings === "split";
    const batchOf = split ? routed.map(({ w }) => batchOfHousehold(w.householdId, batches.length)) : null;
    batches.forEach((batch, b) => {
      this.#env.at(this.#input.clock.fromDay(batch.day), Priority.arrival, () => {
        for (let k = 0; k < routed.length; k++) {
          if (batchOf && batchOf[k] !== b) continue;
          const { w, first, then } = routed[k];
          if (this.#openByHousehold.has(w.householdId)) this.#alreadyOpen++;
          else this.#create(`W${b + 1}-${w.householdId}`, w.householdId, "warning", w.band, first, then);
        }
      });
    });
  }

  /** Applications: a Poisson stream at the single window; who applies draws from its own stream. */
  #scheduleApplications(): void {
    const rate = this.#scenario.discovery.applications_per_day;
    if (rate <= 0) return;
    const arrivals = this.#family.stream("applications");
    const who = this.#family.stream("applicants");
    const next = () => {
      const t = this.#env.now + exponentialGap(arrivals, rate);
      if (t > this.#horizon) return;
      this.#env.at(t, Priority.arrival, () => {
        this.#application(who);
        next();
      });
    };
    next();
  }

  /** One application: from a dataset household (routed on after the window) or from outside the dataset. */
  #application(who: Rng): void {
    const discovery = this.#scenario.discovery;
    const window = this.#plan.index.get(discovery.applications_department!)!;
    const n = ++this.#applications;
    const applicants = discovery.applications_from_dataset > 0 ? this.#input.applicants ?? null : null;
    if (!applicants || applicants.householdIds.length === 0 || !(who.uniform() < discovery.applications_from_dataset)) {
      this.#create(`A${n}`, "", "application", -1, window, []);
      return;
    }
    const h = who.int(0, applicants.householdIds.length - 1);
    const id = applicants.householdIds[h];
    if (this.#openByHousehold.has(id)) {
      this.#alreadyOpen++;
      return;
    }
    const { offsets, index } = applicants.departments;
    const then: number[] = [];
    for (let e = offsets[h]; e < offsets[h + 1]; e++) {
      const d = this.#plan.index.get(applicants.departmentIds[index[e]]);
      if (d !== undefined && d !== window) then.push(d);
    }
    this.#create(`A${n}`, id, "application", -1, window, then);
  }

  /** Daily samples (priority observe: after everything else at that instant), chained day by day. */
  #scheduleSamples(): ReplicationResult["daily"] {
    const days = Math.floor(this.#horizon) + 1;
    const deps = this.#departments;
    const daily = { waiting: deps.map(() => new Int32Array(days)), open: new Int32Array(days) };
    const sample = (t: number) => {
      this.#env.at(t, Priority.observe, () => {
        for (let i = 0; i < deps.length; i++) daily.waiting[i][t] = deps[i].waiting;
        daily.open[t] = this.#openCases.value;
        if (t + 1 < days) sample(t + 1);
      });
    };
    sample(0);
    return daily;
  }

  // ------------------------------------------------------------------ a case's events

  /** 立案: a new case enters now; its clock starts, its due and at-risk checks are scheduled. */
  #create(
    id: string,
    householdId: string,
    channel: Case["channel"],
    band: number,
    first: number,
    then: readonly number[],
  ): void {
    const env = this.#env;
    const c = this.#cases.length;
    const kase: Case = {
      id,
      householdId,
      channel,
      band,
      created: env.now,
      due: env.now + this.#scenario.time_limit_days,
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
      toOffice: 0,
      open: [],
      then,
    };
    this.#cases.push(kase);
    this.#caseRng.push(this.#family.stream(`case-${id}`));
    if (householdId !== "") this.#openByHousehold.set(householdId, c);
    this.#openCases.add(env.now, 1);
    this.#record(c, -1, EVENT.created);
    if (kase.due <= this.#horizon) env.at(kase.due, Priority.observe, () => this.#due(c));
    const escalation = this.#scenario.escalation;
    if (escalation) {
      const atRisk = env.now + escalation.at_risk_share * this.#scenario.time_limit_days;
      if (atRisk <= this.#horizon) env.at(atRisk, Priority.observe, () => this.#atRisk(c));
    }
    this.#queue(c, first);
  }

  /** A task of case c joins department d (its service time drawn from the case's stream). */
  #queue(c: number, d: number): void {
    const kase = this.#cases[c];
    const task: Task = {
      caseIndex: c,
      department: d,
      klass: kase.band >= 0 ? kase.band : this.#applicationClass,
      escalated: kase.escalated,
      service: this.#plan.samplers[d](this.#caseRng[c]),
      queued: NaN,
      started: NaN,
      finished: NaN,
    };
    kase.departments.push(d);
    kase.open.push(task);
    kase.pending++;
    this.#tasks[d]?.push(task);
    this.#record(c, d, EVENT.queued);
    this.#departments[d].request(task);
    const stageLimit = this.#scenario.departments[d].time_limit_days;
    if (this.#office >= 0 && d !== this.#office && stageLimit !== undefined && Number.isNaN(task.started)) {
      const at = this.#env.now + stageLimit;
      if (at <= this.#horizon) this.#env.at(at, Priority.observe, () => this.#toOffice(task));
    }
  }

  /** 上报督办: a task still waiting is withdrawn from its department and queued at the higher office. */
  #toOffice(task: Task): void {
    const d = task.department;
    if (!this.#departments[d].withdraw(task)) return;
    const c = task.caseIndex, kase = this.#cases[c];
    kase.open.splice(kase.open.indexOf(task), 1);
    kase.pending--;
    kase.toOffice++;
    this.#record(c, d, EVENT.escalated);
    this.#queue(c, this.#office);
  }

  /**
   * Department d finished a task of the case: it may transfer the case (转办, capped), else when
   * the case's last open task is done it is verified after the first stage, dispatched onward to
   * the executing departments, or cleared.
   */
  #afterTask(task: Task, d: number): void {
    const c = task.caseIndex;
    const kase = this.#cases[c];
    kase.open.splice(kase.open.indexOf(task), 1);
    const spec = this.#scenario.departments[d];
    if (
      spec.transfer_probability > 0 && kase.transfers < this.#scenario.max_transfers &&
      this.#decision(c).uniform() < spec.transfer_probability
    ) {
      kase.transfers++;
      this.#record(c, d, EVENT.transferred);
      kase.pending--;
      this.#queue(c, this.#plan.index.get(spec.transfer_to!)!);
      return;
    }
    if (--kase.pending > 0) return;
    if (kase.stage === 0) {
      kase.stage = 1;
      if (this.#input.need && !this.#verify(c)) return this.#clear(c);
      if (kase.then.length > 0) {
        kase.stage = 2;
        for (const next of kase.then) this.#queue(c, next);
        return;
      }
    }
    this.#clear(c);
  }

  /** 核实: the case is in need with its band's (or the applications') probability; in need, it is assigned assistance. */
  #verify(c: number): boolean {
    const kase = this.#cases[c], need = this.#input.need!;
    const p = kase.band >= 0 ? need.warning[kase.band] : need.application;
    kase.need = this.#decision(c).uniform() < p;
    this.#record(c, kase.departments[0], kase.need ? EVENT.need : EVENT.no_need);
    if (kase.need && this.#input.assistance) this.#assign(c);
    return kase.need;
  }

  /** An assistance type and amount for a case in need; temporary assistance is delivered at once (先行救助). */
  #assign(c: number): void {
    const kase = this.#cases[c], table = this.#input.assistance!;
    const pool = kase.channel === "warning" ? table.warning : table.application;
    if (pool.weights.length === 0 || pool.weights.every((w) => w === 0)) return;
    const rng = this.#decision(c);
    kase.assistance = rng.weighted(pool.weights);
    const amounts = pool.amounts[kase.assistance];
    kase.amount = amounts.length > 0 ? rng.one(amounts) : 0;
    if (table.types[kase.assistance] === ASSIST_FIRST) this.#deliver(c);
  }

  #deliver(c: number): void {
    this.#cases[c].assisted = this.#env.now;
    this.#record(c, this.#cases[c].departments[0], EVENT.assisted);
  }

  /** 销号: the case is cleared (its assistance delivered, if not yet); the household may enter again. */
  #clear(c: number): void {
    const kase = this.#cases[c];
    if (kase.assistance >= 0 && Number.isNaN(kase.assisted)) this.#deliver(c);
    kase.cleared = this.#env.now;
    this.#record(c, -1, EVENT.cleared);
    this.#openCases.add(this.#env.now, -1);
    if (kase.householdId !== "") this.#openByHousehold.delete(kase.householdId);
  }

  /** The due time passed with the case open: breached. */
  #due(c: number): void {
    if (Number.isNaN(this.#cases[c].cleared)) this.#record(c, -1, EVENT.breached);
  }

  /** At risk (督办): the case's waiting tasks, and those it queues later, go ahead of the others. */
  #atRisk(c: number): void {
    const kase = this.#cases[c];
    if (!Number.isNaN(kase.cleared)) return;
    this.#record(c, -1, EVENT.at_risk);
    kase.escalated = true;
    if (this.#office >= 0) {
      for (const t of [...kase.open]) if (t.department !== this.#office) this.#toOffice(t);
    }
    for (const t of kase.open) this.#departments[t.department].escalate(t);
  }

  // ------------------------------------------------------------------ at the horizon

  #departmentResult(dep: Department, i: number): DepartmentResult {
    const stageLimit = this.#scenario.departments[i].time_limit_days;
    let stageBreached = 0;
    if (stageLimit !== undefined) {
      for (const t of this.#tasks[i]!) {
        if (!(t.queued >= this.#warmup)) continue;
        const end = Number.isNaN(t.finished) ? this.#horizon : t.finished;
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
      busyArea: dep.busyStaff.area(this.#horizon),
      queueArea: dep.queueLength.area(this.#horizon),
      openAtHorizon: dep.waiting + dep.busy,
      stageBreached,
    };
  }
}
