import { MAX_NONCE_CLAIMS } from '../defaults.js';

/**
 * Which session object sends each nonce of a stored session. Two objects can
 * hold one stored session only through storage (two clients on one storage, a
 * resume racing a resume), so claims are kept per storage object: the first
 * object to send a nonce owns it, and a twin is refused rather than sending it
 * a second time. Spent nonces stay claimed, so a twin cannot replay one either;
 * the oldest claims are forgotten past a bound, long after their nonces died.
 * Sessions without storage cannot have twins and claim nothing, so test
 * fixtures that hand out the same ids and nonces in every test never collide.
 */
const claims = new WeakMap<object, Map<string, object>>();

/** True when `owner` may send `nonce` (it is unclaimed in `scope`, or already `owner`'s). */
export function claimNonce(scope: object | undefined, nonce: string, owner: object): boolean {
  if (!scope) return true;
  let owners = claims.get(scope);
  if (!owners) claims.set(scope, (owners = new Map()));
  const current = owners.get(nonce);
  if (current !== undefined) return current === owner;
  owners.set(nonce, owner);
  if (owners.size > MAX_NONCE_CLAIMS) owners.delete(owners.keys().next().value as string);
  return true;
}
