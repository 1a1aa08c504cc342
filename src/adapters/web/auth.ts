import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

// Admin sign-in for the dashboard outside sandbox mode: the token is compared in constant time
// (both sides hashed to the same length first), and a random session id goes in an HttpOnly,
// SameSite=Strict cookie. Sessions live in memory: a restart signs everyone out.

const SESSION_MS = 8 * 60 * 60 * 1000;
const MAX_FAILURES_PER_MINUTE = 10;

export function tokenMatches(given: string, expected: string | undefined): boolean {
  if (!expected) return false;
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

export class Sessions {
  private readonly sessions = new Map<string, number>();
  private readonly failures = new Map<string, { count: number; since: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  create(): string {
    const id = randomBytes(32).toString('base64url');
    this.sessions.set(id, this.now() + SESSION_MS);
    return id;
  }

  valid(id: string | undefined): boolean {
    if (!id) return false;
    const until = this.sessions.get(id);
    if (until === undefined) return false;
    if (until < this.now()) {
      this.sessions.delete(id);
      return false;
    }
    return true;
  }

  end(id: string | undefined): void {
    if (id) this.sessions.delete(id);
  }

  /** A simple brake on guessing: at most 10 wrong tokens a minute per client address. */
  throttled(client: string): boolean {
    const f = this.failures.get(client);
    return Boolean(f && this.now() - f.since < 60_000 && f.count >= MAX_FAILURES_PER_MINUTE);
  }

  failed(client: string): void {
    const f = this.failures.get(client);
    if (!f || this.now() - f.since >= 60_000) this.failures.set(client, { count: 1, since: this.now() });
    else f.count += 1;
  }
}

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i <= 0) continue;
    const k = part.slice(0, i).trim();
    try {
      out[k] = decodeURIComponent(part.slice(i + 1).trim());
    } catch {
      // A malformed cookie is ignored, never fatal.
    }
  }
  return out;
}

export function cookie(name: string, value: string, opts: { httpOnly?: boolean; maxAge?: number; sameSite?: 'Lax' | 'Strict'; secure?: boolean } = {}): string {
  return [
    `${name}=${encodeURIComponent(value)}`, 'Path=/', `SameSite=${opts.sameSite ?? 'Lax'}`,
    ...(opts.httpOnly ? ['HttpOnly'] : []), ...(opts.secure ? ['Secure'] : []),
    ...(opts.maxAge !== undefined ? [`Max-Age=${opts.maxAge}`] : []),
  ].join('; ');
}
