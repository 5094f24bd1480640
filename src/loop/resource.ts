/**
 * A department as a resource (SimPy's `Resource`): `staff` tasks in service at once, the rest wait
 * in a queue. `fcfs` serves in order of arrival; `band` serves the highest warning band first
 * (class 0 = first band), FCFS within a class. Level monitors follow the queue length and the busy
 * staff; a tally monitor the waits of tasks that started.
 */
import { type Environment, Priority } from "./heap.ts";
import { LevelMonitor, TallyMonitor } from "./monitor.ts";

/** One unit of work at a department. */
export interface Task {
  /** Index of the case in the replication's case list. */
  caseIndex: number;
  /** Index of the department. */
  department: number;
  /** Priority class (0 first) for the `band` discipline. */
  klass: number;
  /** Service time, drawn when the task is created. */
  service: number;
  queued: number;
  started: number;
  finished: number;
  /** Escalated (督办): served before every task that is not. */
  escalated: boolean;
  /** Withdrawn from the queue before it started (taken over by a higher office). */
  withdrawn?: boolean;
}

/** What a department tells its owner. */
export interface DepartmentHooks {
  started(task: Task): void;
  /** The task finished (its server is released next, and the next queued task starts). */
  finished(task: Task): void;
  /** After the next queued task started: the case moves on (it may queue new tasks, behind those waiting). */
  released(task: Task): void;
}

/** A department: staff, a queue, and its monitors. */
export class Department {
  readonly id: string;
  readonly index: number;
  readonly staff: number;
  readonly discipline: "fcfs" | "band";
  busy = 0;
  /** FIFO per priority class (one class under fcfs). */
  #queues: Task[][] = [];
  #heads: number[] = [];
  /** Escalated tasks, FIFO; their entries in `#queues` are skipped once they have started. */
  #urgent: Task[] = [];
  #urgentHead = 0;
  #waiting = 0;
  readonly queueLength: LevelMonitor;
  readonly busyStaff: LevelMonitor;
  readonly waits: TallyMonitor;
  /** Tasks queued at or after warm-up (the ones the statistics count). */
  counted = 0;
  #env: Environment;
  #hooks: DepartmentHooks;
  #warmup: number;

  constructor(
    env: Environment,
    spec: { id: string; index: number; staff: number; discipline: "fcfs" | "band"; warmup: number },
    hooks: DepartmentHooks,
  ) {
    this.id = spec.id;
    this.index = spec.index;
    this.staff = spec.staff;
    this.discipline = spec.discipline;
    this.#env = env;
    this.#hooks = hooks;
    this.#warmup = spec.warmup;
    this.queueLength = new LevelMonitor(spec.warmup);
    this.busyStaff = new LevelMonitor(spec.warmup);
    this.waits = new TallyMonitor(1);
  }

  /** Tasks waiting now. */
  get waiting(): number {
    return this.#waiting;
  }

  /** A task arrives now: it starts at once if a staff member is free, else it joins the queue. */
  request(task: Task): void {
    const now = this.#env.now;
    task.queued = now;
    if (now >= this.#warmup) this.counted++;
    if (this.busy < this.staff) {
      this.#start(task);
      return;
    }
    this.#waiting++;
    this.queueLength.set(now, this.#waiting);
    if (task.escalated) {
      this.#urgent.push(task);
      return;
    }
    const k = this.discipline === "fcfs" ? 0 : task.klass;
    while (this.#queues.length <= k) {
      this.#queues.push([]);
      this.#heads.push(0);
    }
    this.#queues[k].push(task);
  }

  /** Escalates a waiting task: it moves ahead of every task not escalated (FIFO among escalated). */
  escalate(task: Task): void {
    if (task.escalated || !Number.isNaN(task.started) || Number.isNaN(task.queued)) return;
    task.escalated = true;
    this.#urgent.push(task);
  }

  /** Withdraws a waiting task from the queue (it will never start here); false if it is not waiting. */
  withdraw(task: Task): boolean {
    if (task.withdrawn || !Number.isNaN(task.started) || Number.isNaN(task.queued)) return false;
    task.withdrawn = true;
    this.#waiting--;
    this.queueLength.set(this.#env.now, this.#waiting);
    return true;
  }

  #start(task: Task): void {
    const env = this.#env;
    task.started = env.now;
    if (task.queued >= this.#warmup) this.waits.record(task.started - task.queued);
    this.busy++;
    this.busyStaff.set(env.now, this.busy);
    this.#hooks.started(task);
    env.after(task.service, Priority.finish, () => this.#finish(task));
  }

  #finish(task: Task): void {
    const env = this.#env;
    task.finished = env.now;
    this.busy--;
    this.busyStaff.set(env.now, this.busy);
    this.#hooks.finished(task);
    const next = this.#next();
    if (next) {
      this.queueLength.set(env.now, this.#waiting);
      this.#start(next);
    }
    this.#hooks.released(task);
  }

  #next(): Task | undefined {
    if (this.#waiting === 0) return undefined;
    while (this.#urgentHead < this.#urgent.length && this.#urgent[this.#urgentHead].withdrawn) this.#urgentHead++;
    if (this.#urgentHead < this.#urgent.length) {
      this.#waiting--;
      return this.#urgent[this.#urgentHead++];
    }
    for (let k = 0; k < this.#queues.length; k++) {
      const q = this.#queues[k];
      let head = this.#heads[k];
      while (head < q.length && (!Number.isNaN(q[head].started) || q[head].withdrawn)) head++; // served or withdrawn
      if (head < q.length) {
        const task = q[head++];
        this.#heads[k] = head;
        if (head > 1024 && head > q.length / 2) {
          q.splice(0, head);
          this.#heads[k] = 0;
        }
        this.#waiting--;
        return task;
      }
      this.#heads[k] = head;
    }
    return undefined;
  }
}
