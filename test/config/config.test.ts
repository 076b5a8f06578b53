import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, validateConfig } from '../../src/config/load.ts';
import { kansoku, scratch } from '../helpers/cli.ts';
import { root } from '../helpers/paths.ts';

describe('config', () => {
  it('has defaults for everything, so an empty file is a valid config', () => {
    const c = validateConfig({});
    expect(c.correlate).toMatchObject({ baselineHours: 48, sigma: 1.645 });
    expect(c.draft.localTimezone).toBe('Asia/Tokyo');
  });

  it('documents every default in kansoku.example.yaml, and the example is valid', () => {
    const cwd = scratch();
    const example = loadConfig(join(root, 'kansoku.example.yaml'), cwd).config;
    const defaults = validateConfig({});
    defaults.store.sqlite = join(cwd, defaults.store.sqlite);
    defaults.draft.outbox = join(cwd, defaults.draft.outbox);
    expect(example).toEqual(defaults);
  });

  it('names every wrong key and what is wrong with it, at once', () => {
    let message = '';
    try {
      validateConfig({ correlate: { sigma: 'wide' }, operator: { networks: ['not-a-prefix'] }, colour: 'blue' });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/correlate\.sigma: .*expected number/);
    expect(message).toMatch(/operator\.networks\.0: not an address prefix/);
    expect(message).toMatch(/\(top level\): unknown key "colour"/);
  });

  it('rejects an unknown time zone', () => {
    expect(() => validateConfig({ draft: { localTimezone: 'Mars/Olympus' } })).toThrowError(
      /draft\.localTimezone: not an IANA time zone/,
    );
  });

  it('takes a time zone exactly when Intl can format in it: canonical names, aliases and other spellings', () => {
    const intlTakes = (zone: string) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: zone });
        return true;
      } catch {
        return false;
      }
    };
    const names = [
      ...Intl.supportedValuesOf('timeZone'),
      ...['UTC', 'Etc/UTC', 'GMT', 'Japan', 'US/Eastern', 'Asia/Calcutta', 'asia/tokyo', 'utc', '+09:00'],
      ...['Mars/Olympus', 'Asia/Tokio', '', 'Asia/Tokyo ', 'JST'],
    ];
    for (const zone of names) {
      let taken = true;
      try {
        validateConfig({ draft: { localTimezone: zone } });
      } catch {
        taken = false;
      }
      expect([zone, taken]).toEqual([zone, intlTakes(zone)]);
    }
  });

  it('resolves input paths against the config file and working state against the working directory', () => {
    const dir = scratch();
    writeFileSync(
      join(dir, 'k.yaml'),
      'sources: [{ type: maildir, path: mail }]\ncounters: { files: [logs/fw.log] }\n',
    );
    const cwd = scratch();
    const { config } = loadConfig(join(dir, 'k.yaml'), cwd);
    expect(config.sources[0]!.path).toBe(join(dir, 'mail'));
    expect(config.counters.files).toEqual([join(dir, 'logs/fw.log')]);
    expect(config.store.sqlite).toBe(join(cwd, 'kansoku.sqlite'));
    expect(config.draft.outbox).toBe(join(cwd, 'outbox'));
  });

  it('picks up ./kansoku.yaml when no --config is given', () => {
    const cwd = scratch();
    writeFileSync(join(cwd, 'kansoku.yaml'), 'identity: { nameEn: "Local" }\n');
    expect(loadConfig(undefined, cwd)).toMatchObject({ embedded: false, config: { identity: { nameEn: 'Local' } } });
  });

  it('makes the CLI stop with the key and the problem, before touching anything', () => {
    const cwd = scratch();
    writeFileSync(join(cwd, 'bad.yaml'), 'correlate:\n  baselineHours: two days\n');
    const r = kansoku(['--config', 'bad.yaml', 'run'], cwd);
    expect(r.code).toBe(78);
    expect(r.stderr).toContain('correlate.baselineHours');
    expect(kansoku(['--config', 'bad.yaml', 'check-config'], cwd).code).toBe(78);
  });

  it('reports YAML that does not parse', () => {
    const cwd = scratch();
    writeFileSync(join(cwd, 'broken.yaml'), 'lists: [\n');
    const r = kansoku(['--config', 'broken.yaml', 'check-config'], cwd);
    expect(r.code).toBe(78);
    expect(r.stderr).toContain('not valid YAML');
  });
});

describe('mail server settings', () => {
  it('allows plain text only to a server on loopback', () => {
    expect(() => validateConfig({ imap: { host: 'imap.example.net', security: 'none' } })).toThrowError(
      /imap\.security: "none" is allowed only for a server on loopback/,
    );
    expect(validateConfig({ smtp: { host: '127.0.0.1', security: 'none', port: 10025 } }).smtp).toMatchObject({
      host: '127.0.0.1',
      security: 'none',
    });
  });

  it('defaults to TLS and takes the password from the environment', () => {
    const c = validateConfig({ imap: { host: 'imap.example.net', user: 'bot' } });
    expect(c.imap).toMatchObject({
      port: 993,
      security: 'tls',
      passwordEnv: 'KANSOKU_IMAP_PASSWORD',
      folders: ['INBOX'],
    });
  });
});

describe('counter files', () => {
  it('may name the sensor each file comes from', () => {
    const dir = scratch();
    writeFileSync(join(dir, 'k.yaml'), 'counters:\n  files: [a.log, { path: b.log, sensor: edge2 }]\n');
    expect(loadConfig(join(dir, 'k.yaml'), dir).config.counters.files).toEqual([
      join(dir, 'a.log'),
      { path: join(dir, 'b.log'), sensor: 'edge2' },
    ]);
    expect(() => validateConfig({ counters: { files: [{ path: 'x', sensor: 'bad name!' }] } })).toThrowError(
      /counters\.files\.0/,
    );
  });
});
