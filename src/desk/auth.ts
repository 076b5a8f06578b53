/**
 * Who may use the desk: the person who holds the one-time login link `kansoku desk` printed, and
 * then their browser's session, for `desk.sessionHours`. Where it may listen: loopback, unless the
 * operator allowed more and gave it TLS.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import type { Config } from '../config/schema.ts';
import { KansokuError } from '../errors.ts';

export const SESSION_COOKIE = 'kansoku_desk';

const secret = () => randomBytes(24).toString('base64url');

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export class Sessions {
  private login: string | null = secret();
  private readonly live = new Map<string, number>();

  constructor(
    private readonly hours: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The token of the login link; null once it has been used. */
  get loginToken(): string | null {
    return this.login;
  }

  /** A new session for the holder of the login token, which is spent; null for any other token. */
  open(token: string): string | null {
    if (this.login === null || !same(token, this.login)) return null;
    this.login = null;
    const id = secret();
    this.live.set(id, this.now() + this.hours * 3_600_000);
    return id;
  }

  /** Whether `id` is a session that has not run out. */
  valid(id: string | undefined): boolean {
    if (!id) return false;
    const until = this.live.get(id);
    if (until === undefined) return false;
    if (until > this.now()) return true;
    this.live.delete(id);
    return false;
  }
}

/** Whether the desk would listen on this machine only. */
export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (!isIP(host)) return false;
  const a = ipaddr.process(host);
  return a.range() === 'loopback';
}

/**
 * Refuses to listen beyond loopback unless `desk.allowRemote` is true and `desk.tls` is set: the
 * page carries TLP material and approves mail to peers.
 */
export function checkBind(host: string, desk: Config['desk']): void {
  if (isLoopback(host)) return;
  if (!desk.allowRemote)
    throw new KansokuError(
      'CONFIG_INVALID',
      'config',
      `the desk listens on ${host}, not loopback: set desk.allowRemote: true and desk.tls to allow it`,
    );
  if (!desk.tls)
    throw new KansokuError(
      'CONFIG_INVALID',
      'config',
      `the desk listens on ${host}, not loopback: desk.tls (cert and key) is needed, the page would go in clear`,
    );
}
