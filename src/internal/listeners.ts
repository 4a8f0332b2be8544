/** Hands an error thrown by integrator code (a listener, a subscriber) to the platform, as an uncaught error would be. */
export function reportError(error: unknown): void {
  (globalThis as { reportError?: (e: unknown) => void }).reportError?.(error);
}

/**
 * Subscribers of one value. A subscriber's bug must not undo a change that
 * already happened (a step the server accepted): what it throws is reported,
 * and the others are still called.
 */
export class Listeners {
  readonly #set = new Set<() => void>();

  /** Adds `listener`; returns the function that removes it. */
  add(listener: () => void): () => void {
    this.#set.add(listener);
    return () => void this.#set.delete(listener);
  }

  notify(): void {
    for (const listener of [...this.#set]) {
      try {
        listener();
      } catch (error) {
        reportError(error);
      }
    }
  }
}
