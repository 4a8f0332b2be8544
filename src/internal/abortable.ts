/**
 * The one abortable wait of the SDK (and its testing kit): settles as `promise`
 * does, or rejects with the signal's reason as soon as it aborts. The promise
 * itself goes on; only the wait for it is given up.
 */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    // Settled without a finally() of its own: every call of a request waits here, so no extra promise.
    const off = () => signal.removeEventListener('abort', onAbort);
    promise.then(
      (value) => (off(), resolve(value)),
      (error: unknown) => (off(), reject(error)),
    );
  });
}

/** Waits `ms` (or forever), rejecting with the signal's reason when it aborts; the timer never outlives the wait. */
export function sleep(ms: number | 'forever', signal?: AbortSignal): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const wait = new Promise<void>((resolve) => {
    if (ms !== 'forever') timer = setTimeout(resolve, ms);
  });
  return abortable(wait, signal).finally(() => clearTimeout(timer));
}
