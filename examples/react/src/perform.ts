import { useState } from 'react';

/**
 * An action runner for buttons: `busy` while it runs. Its failure needs no
 * handling of its own: `useOnboarding` records it in `flow.error`, which the
 * screens render. `setBusy` keeps a button busy past its action (while the page leaves).
 */
export function usePerform(): [busy: boolean, perform: (action: () => Promise<unknown>) => Promise<void>, setBusy: (busy: boolean) => void] {
  const [busy, setBusy] = useState(false);
  const perform = async (action: () => Promise<unknown>) => {
    setBusy(true);
    try {
      await action();
    } catch {
      /* shown from flow.error */
    } finally {
      setBusy(false);
    }
  };
  return [busy, perform, setBusy];
}
