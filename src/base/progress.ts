/**
 * Progress of a long command, for standard error: a bar redrawn in place on a terminal, plain
 * lines when standard error is a file or a pipe, nothing when quiet. Nothing is shown for the
 * first second, so quick commands print exactly what they printed before; standard output is
 * never touched (its files and text stay byte-identical).
 *
 * A command is a sequence of phases ("loading: typed_tables", "scoring"), each optionally with
 * a count of done/total. On a terminal the bar shows the current phase, its count and the time
 * so far; in plain lines each phase that is still running after the first second is one line.
 */

/** How progress is shown: a bar on a terminal, plain lines, or nothing. */
export type ProgressMode = "bar" | "lines" | "off";

/** The mode for a command: nothing with `--quiet`, a bar when standard error is a terminal, else lines. */
export function progressMode(options: { quiet: boolean; terminal: boolean }): ProgressMode {
  return options.quiet ? "off" : options.terminal ? "bar" : "lines";
}

/** How a {@link Progress} writes and keeps time (injectable for tests). */
export interface ProgressOptions {
  mode: ProgressMode;
  /** Writes text to standard error as it is (no line end added). */
  write: (text: string) => void;
  /** Milliseconds since some fixed point. Default `performance.now`. */
  now?: () => number;
  /** Nothing is shown before this many ms from the start. Default 1000. */
  delayMs?: number;
  /** A timer redraws the bar (or prints a late phase's line) this often, in ms; 0: no timer. Default 250. */
  intervalMs?: number;
}

/** Width of the bar, in characters. */
const BAR = 24;

/** Progress of one command, in phases. */
export class Progress {
  readonly mode: ProgressMode;
  #write: (text: string) => void;
  #now: () => number;
  #start: number;
  #delay: number;
  #label = "";
  #done = 0;
  #total: number | undefined;
  #printed = "";
  #drawn = false;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(options: ProgressOptions) {
    this.mode = options.mode;
    this.#write = options.write;
    this.#now = options.now ?? (() => performance.now());
    this.#start = this.#now();
    this.#delay = options.delayMs ?? 1000;
    const interval = options.intervalMs ?? 250;
    if (this.mode !== "off" && interval > 0) {
      const timer = setInterval(() => this.poll(), interval);
      this.#timer = timer;
      // The timer must never keep the process alive.
      if (typeof Deno !== "undefined") Deno.unrefTimer(timer);
    }
  }

  /** Starts a phase (the previous one is over): its label and, if known, how many parts it has. */
  phase(label: string, total?: number): void {
    this.#label = label;
    this.#done = 0;
    this.#total = total;
    this.poll();
  }

  /** How many parts of the current phase are done; `label` renames the phase (e.g. the step now running). */
  update(done: number, label?: string): void {
    this.#done = done;
    if (label !== undefined) this.#label = label;
    this.poll();
  }

  /** Shows the current state if the first second is over (called by the timer; tests call it directly). */
  poll(): void {
    if (this.mode === "off" || this.#label === "" || this.#now() - this.#start < this.#delay) return;
    const text = this.#text();
    if (this.mode === "lines") {
      if (text.phase === this.#printed) return;
      this.#printed = text.phase;
      this.#write(`${text.phase} (${text.seconds})\n`);
      return;
    }
    this.#write(`\r\x1b[2K${text.bar}`);
    this.#drawn = true;
  }

  /** Ends the progress: the bar's line is cleared and the timer stopped. */
  end(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    if (this.#drawn) this.#write("\r\x1b[2K");
    this.#drawn = false;
    this.#label = "";
  }

  #text(): { phase: string; bar: string; seconds: string } {
    const seconds = `${((this.#now() - this.#start) / 1000).toFixed(1)} s`;
    const count = this.#total === undefined ? "" : ` ${Math.min(this.#done, this.#total)}/${this.#total}`;
    const phase = `${this.#label}${count}`;
    if (this.#total === undefined || this.#total <= 0) return { phase, bar: `${phase} ${seconds}`, seconds };
    const filled = Math.round((BAR * Math.min(this.#done, this.#total)) / this.#total);
    const bar = `[${"#".repeat(filled)}${"-".repeat(BAR - filled)}] ${phase} ${seconds}`;
    return { phase, bar, seconds };
  }
}
