import { createHash } from 'node:crypto';
import type { Database } from '../../db/database.js';
import { errors } from '../../http/errors.js';
import { hitBucket, refundBucket } from './throttle.repository.js';

/**
 * Throttling of login, login/2fa, register and the other password/code checks, per
 * account and per client address, in one 15-minute window. Every limit is here.
 * Counters are in the database so all API processes share them.
 *
 * An attempt takes its slot before the check it guards (so concurrent guesses cannot
 * overshoot the limit) and gives it back when it succeeds: in effect, failures count.
 * Registrations are never given back: each one counts.
 *
 * Wrong passwords are counted per account AND client network, so a stranger's guesses
 * lock out the stranger, not the owner signing in from elsewhere; a much higher ceiling
 * per account (over all networks) stops guessing spread over many addresses, and even
 * then an address the owner has signed in from before still gets through.
 */
export const THROTTLE_WINDOW_SECONDS = 15 * 60;
export const THROTTLE_LIMITS = {
  /** Wrong passwords on one account from one client network (known account or not: unknown emails are throttled alike). */
  loginPerAccountAndAddress: 10,
  /** Wrong passwords on one account from all networks together: the ceiling for distributed guessing. */
  loginPerAccount: 100,
  /** Wrong passwords from one address, over all accounts. */
  loginPerAddress: 50,
  /** Wrong TOTP or backup codes on one account (login/2fa, 2fa/disable). */
  secondFactorPerAccount: 10,
  secondFactorPerAddress: 50,
  /** Wrong current passwords on POST /password and POST /2fa/setup, /2fa/enable and /2fa/disable. */
  reauthPerAccount: 10,
  /** Registrations (successful or not) from one address. */
  registerPerAddress: 20,
} as const;

export type ThrottleLimits = { [K in keyof typeof THROTTLE_LIMITS]: number };

export interface ThrottleBucket {
  key: string;
  limit: number;
  /** Asked only when this bucket is over its limit: true lets the attempt through anyway. */
  exemptWhen?: () => Promise<boolean>;
}

/** Slots taken by one attempt; give them back with `refund` when it succeeds. */
export interface ThrottleTicket {
  buckets: string[];
}

export interface Throttle {
  readonly limits: ThrottleLimits;
  /**
   * Counts the attempt in each bucket in order; 429 with Retry-After at the first one over
   * its limit, and the buckets after it are not charged (a refused attempt checked nothing,
   * so it must not use up a wider allowance: list the narrowest buckets first).
   */
  attempt(buckets: ThrottleBucket[]): Promise<ThrottleTicket>;
  refund(ticket: ThrottleTicket): Promise<void>;
}

/** A bucket name that carries a hash of the account, address or link, never the value itself. */
export function bucketKey(action: string, scope: 'account' | 'address' | 'account-address' | 'link', value: string): string {
  const digest = createHash('sha256').update(`${action}\0${scope}\0${value}`, 'utf8').digest('base64url').slice(0, 32);
  return `${action}:${scope}:${digest}`;
}

export function createThrottle(opts: {
  db: Database;
  limits?: Partial<ThrottleLimits>;
  windowSeconds?: number;
}): Throttle {
  const windowSeconds = opts.windowSeconds ?? THROTTLE_WINDOW_SECONDS;
  const limits: ThrottleLimits = { ...THROTTLE_LIMITS, ...opts.limits };
  return {
    limits,
    async attempt(buckets) {
      const charged: string[] = [];
      for (const b of buckets) {
        const { hits, retry_after } = await hitBucket(opts.db, b.key, windowSeconds);
        charged.push(b.key);
        if (hits > b.limit && !(await b.exemptWhen?.())) throw errors.tooManyRequests(retry_after);
      }
      return { buckets: charged };
    },
    async refund(ticket) {
      for (const key of ticket.buckets) await refundBucket(opts.db, key);
    },
  };
}
