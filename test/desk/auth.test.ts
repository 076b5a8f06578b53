import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load.ts';
import { checkBind, isLoopback, Sessions } from '../../src/desk/auth.ts';

describe('who may use the desk', () => {
  it('lets the login link in once, and keeps a session for desk.sessionHours only', () => {
    let now = 0;
    const s = new Sessions(12, () => now);
    const token = s.loginToken!;
    expect(s.open('wrong')).toBeNull();
    expect(s.open(`${token}x`)).toBeNull();
    const session = s.open(token)!;
    expect(session).toMatch(/^[\w-]{32}$/);
    expect(s.loginToken).toBeNull();
    expect(s.open(token)).toBeNull();
    expect(s.valid(session)).toBe(true);
    expect(s.valid(undefined)).toBe(false);
    expect(s.valid('made-up')).toBe(false);
    now = 12 * 3_600_000 - 1;
    expect(s.valid(session)).toBe(true);
    now = 12 * 3_600_000;
    expect(s.valid(session)).toBe(false);
  });

  it('knows loopback in every spelling, and nothing else as loopback', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', '::1', 'localhost', '::ffff:127.0.0.1'])
      expect(isLoopback(h)).toBe(true);
    for (const h of ['0.0.0.0', '::', '192.0.2.1', '10.0.0.1', 'example.org', '127.0.0.1.example.org'])
      expect(isLoopback(h)).toBe(false);
  });

  it('listens beyond loopback only when desk.allowRemote is true and TLS is set', () => {
    const desk = (over: object) => validateConfig({ desk: over }).desk;
    expect(() => checkBind('127.0.0.1', desk({}))).not.toThrow();
    expect(() => checkBind('0.0.0.0', desk({}))).toThrow(/set desk.allowRemote: true and desk.tls/);
    expect(() => checkBind('0.0.0.0', desk({ allowRemote: true }))).toThrow(/desk.tls \(cert and key\) is needed/);
    expect(() => checkBind('0.0.0.0', desk({ allowRemote: true, tls: { cert: 'c.pem', key: 'k.pem' } }))).not.toThrow();
  });
});
