import { MAX_NONCE_CLAIMS } from '../defaults.js';

/**
 * Which session object sends each nonce, for the whole page. Two objects can
 * hold one stored session (two clients on one storage, a resume racing a
 * resume); the first to send a nonce owns it, and the other is refused rather
 * than sending it a second time. Spent nonces stay claimed, so a twin cannot
 * replay one either; the oldest claims are forgotten past a bound, long after
 * their nonces died on the server.
 */
const owners = new Map<string, object>();

/** True when `owner` may send `nonce` (it is unclaimed, or already `owner`'s). */
export function claimNonce(nonce: string, owner: object): boolean {
  const current = owners.get(nonce);
  if (current !== undefined) return current === owner;
  owners.set(nonce, owner);
  if (owners.size > MAX_NONCE_CLAIMS) owners.delete(owners.keys().next().value as string);
  return true;
}
