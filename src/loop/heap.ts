/**
 * The event heap of the discrete-event core: a binary min-heap of pending events keyed
 * (time, priority, sequence). Equal times are broken by priority (lower first: a server released
 * at time t is free for an arrival at t), then by the order events were scheduled (sequence), so a
 * run is fully determined by its inputs — the same scenario and seed give the same trace.
 */

/** Priorities of same-time events, lower first. */
export const Priority = {
  /** A task finishing frees its server before anything else happens at that instant. */
  finish: 0,
  /** Arrivals (a batch, an application, a case moving on to its next department). */
  arrival: 1,
  /** Monitoring and the horizon come last. */
  observe: 2,
} as const;

/** One pending event. */
export interface HeapEvent {
  time: number;
  priority: number;
  sequence: number;
  action: () => void;
}

function before(a: HeapEvent, b: HeapEvent): boolean {
  return a.time < b.time ||
    (a.time === b.time && (a.priority < b.priority || (a.priority === b.priority && a.sequence < b.sequence)));
}

/** A min-heap of events keyed (time, priority, sequence). */
export class EventHeap {
  #items: HeapEvent[] = [];
  #sequence = 0;

  /** Number of pending events. */
  get size(): number {
    return this.#items.length;
  }

  /** Schedules `action` at `time` with `priority`; returns the event (its sequence is its scheduling order). */
  push(time: number, priority: number, action: () => void): HeapEvent {
    if (!(time >= 0) || !Number.isFinite(time)) throw new RangeError(`Event time must be finite and ≥ 0, got ${time}`);
    const event = { time, priority, sequence: this.#sequence++, action };
    const items = this.#items;
    let i = items.length;
    items.push(event);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(event, items[parent])) break;
      items[i] = items[parent];
      i = parent;
    }
    items[i] = event;
    return event;
  }

  /** The next event without removing it (undefined when empty). */
  peek(): HeapEvent | undefined {
    return this.#items[0];
  }

  /** Removes and returns the next event (undefined when empty). */
  pop(): HeapEvent | undefined {
    const items = this.#items;
    if (items.length === 0) return undefined;
    const top = items[0];
    const last = items.pop()!;
    const n = items.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && before(items[r], items[l]) ? r : l;
        if (!before(items[c], last)) break;
        items[i] = items[c];
        i = c;
      }
      items[i] = last;
    }
    return top;
  }
}

/** The simulation environment: a clock and the event heap (SimPy's `Environment`, callbacks instead of generators). */
export class Environment {
  /** The current simulation time (clock days). */
  now = 0;
  readonly heap = new EventHeap();

  /** Schedules `action` after `delay` (≥ 0). */
  after(delay: number, priority: number, action: () => void): HeapEvent {
    return this.heap.push(this.now + delay, priority, action);
  }

  /** Schedules `action` at absolute time `time` (≥ now). */
  at(time: number, priority: number, action: () => void): HeapEvent {
    if (time < this.now) throw new RangeError(`Cannot schedule at ${time}, before now (${this.now})`);
    return this.heap.push(time, priority, action);
  }

  /** Runs events in order until the heap is empty or the next event is after `until`; the clock ends at `until`. */
  run(until = Infinity): void {
    const heap = this.heap;
    for (;;) {
      const next = heap.peek();
      if (!next || next.time > until) break;
      heap.pop();
      this.now = next.time;
      next.action();
    }
    if (Number.isFinite(until)) this.now = until;
  }
}
