import type { Logger } from '@nestjs/common';

/** The delay before retry number `attempt` (1 = first retry): doubling from `baseMs`, capped, ±25 % jitter. */
export function retryDelayMs(attempt: number, baseMs: number, maxMs: number, random = Math.random): number {
  const plain = Math.min(baseMs * 2 ** Math.min(attempt - 1, 40), maxMs);
  return Math.round(plain * (0.75 + random() * 0.5));
}

export interface PollingLoopOptions {
  /** What a failed round is called in the log ("<name> failed: …"). */
  name: string;
  /** Concurrent claim loops. */
  loops: number;
  /** How long an idle loop sleeps when nothing woke it and nothing falls due sooner. */
  pollMs: number;
  /** Claims and handles one batch; returns how many items it took (0: idle). */
  runOnce: () => Promise<number>;
  /** When the next queued item falls due (null: none), so an idle loop sleeps no longer than needed. */
  nextDue: () => Promise<Date | null>;
  logger: Logger;
  /** The level a failed round is logged at (default error). */
  failureLevel?: 'warn' | 'error';
  /**
   * After a failed round, sleep this long whatever wakes arrive (default: go idle like an empty round, which a wake
   * ends early). While the database is down, commits keep waking the loops, and each wake would be another failure.
   */
  pauseAfterFailureMs?: number;
}

/**
 * The wake/poll loop of a durable queue's worker (the outbox dispatcher, webhook deliveries, e-mails): a few loops each claim a batch
 * and handle it, and go idle when a round found nothing, until woken (a commit queued work), the next item falls
 * due, or the poll interval passed. A wake with no idle loop is remembered, so a commit landing while every loop
 * is busy is never missed.
 */
export class PollingLoop {
  private running = false;
  private loops: Promise<void>[] = [];
  private readonly waiters = new Set<() => void>();
  private pendingWake = false;

  constructor(private readonly options: PollingLoopOptions) {}

  get isRunning(): boolean {
    return this.running;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loops = Array.from({ length: this.options.loops }, () => this.loop());
  }

  /** Stops claiming; resolves when every loop has finished the round it was in. */
  async stop(): Promise<void> {
    this.running = false;
    for (const waiter of [...this.waiters]) waiter();
    await Promise.allSettled(this.loops);
  }

  wake(): void {
    const [idle] = this.waiters;
    if (idle) idle();
    else this.pendingWake = true;
  }

  private async loop(): Promise<void> {
    while (this.running) {
      let handled = 0;
      try {
        handled = await this.options.runOnce();
      } catch (error) {
        this.options.logger[this.options.failureLevel ?? 'error'](`${this.options.name} failed: ${(error as Error).message}`);
        if (this.options.pauseAfterFailureMs !== undefined) {
          await new Promise((resolve) => setTimeout(resolve, this.options.pauseAfterFailureMs));
          continue;
        }
      }
      if (handled === 0 && this.running) await this.idle();
    }
  }

  private async idle(): Promise<void> {
    if (this.pendingWake) {
      this.pendingWake = false;
      return;
    }
    let wait = this.options.pollMs;
    const due = await this.options.nextDue().catch(() => null);
    if (due) wait = Math.max(5, Math.min(wait, new Date(due).getTime() - Date.now()));
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, wait);
      this.waiters.add(done);
    });
  }
}
