import { abortable } from './abortable.js';

/**
 * Runs tasks one at a time, in call order: the calls of one session share a
 * nonce chain, so two of them must never be in flight together. A task whose
 * signal aborts while it waits for its turn is dropped at once without running;
 * the next task still waits for the one ahead of it.
 */
export class SerialQueue {
  #tail: Promise<unknown> = Promise.resolve();
  #running = false;
  readonly #onIdle: () => void;

  /** `onIdle` runs after every task settles. */
  constructor(onIdle: () => void) {
    this.#onIdle = onIdle;
  }

  /** True while a task runs. */
  get busy(): boolean {
    return this.#running;
  }

  run<T>(signal: AbortSignal | undefined, task: () => Promise<T>): Promise<T> {
    const previous = this.#tail;
    const run = abortable(previous, signal).then(async () => {
      this.#running = true;
      try {
        return await task();
      } finally {
        this.#running = false;
        this.#onIdle();
      }
    });
    this.#tail = Promise.allSettled([previous, run]);
    return run;
  }
}
