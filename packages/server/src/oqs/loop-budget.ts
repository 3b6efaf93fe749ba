/**
 * Background work (the folder interface's batch) starts only while the event loop has room for it, so the HTTP API
 * keeps the share it needs even when the process gets little CPU. The measure is the event loop's own utilisation
 * (time not spent waiting for I/O) over short windows, whatever keeps it busy; a floor keeps the batch moving
 * when the API alone fills the loop.
 */
import { performance } from "node:perf_hooks";

export interface LoopBudgetOptions {
  /** Above this utilisation of the last window, background work waits (default 0.5). */
  readonly maxShare?: number;
  /** Length of a measuring window, ms (default 50). */
  readonly windowMs?: number;
  /** However busy the loop, one start is allowed this often, ms (default 100). */
  readonly floorMs?: number;
}

export class LoopBudget {
  private mark = performance.eventLoopUtilization();
  private busy = false;
  private lastStart = -Infinity;

  constructor(private readonly options: LoopBudgetOptions = {}) {}

  /** Whether a piece of background work may start now (call it once per start). */
  allows(): boolean {
    const used = performance.eventLoopUtilization(this.mark);
    if (used.idle + used.active >= (this.options.windowMs ?? 50)) {
      this.busy = used.utilization > (this.options.maxShare ?? 0.5);
      this.mark = performance.eventLoopUtilization();
    }
    const now = performance.now();
    if (this.busy && now - this.lastStart < (this.options.floorMs ?? 100)) return false;
    this.lastStart = now;
    return true;
  }
}
