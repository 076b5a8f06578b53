import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { beforeAll, describe, expect, it } from 'vitest';
import { kansoku, scratch } from '../helpers/cli.ts';
import { fixture } from '../helpers/paths.ts';
import { storeAt } from '../helpers/store.ts';

describe('the embedded demo, as `npm start` runs it', () => {
  const cwd = scratch();
  let first: ReturnType<typeof kansoku>;
  beforeAll(() => {
    first = kansoku(['run'], cwd);
  });

  it('imports the sample sensor log and drafts replies for the three reports', () => {
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('10117 of 10117 lines counted');
    expect(first.stdout).toContain(
      '6 messages: 2 drafted, 1 drafted and held (see "kansoku drafts --status held"), 1 without port claims, ' +
        '0 already answered in thread, 0 without sensor data, 1 automatic, 1 sightings, 0 already processed, ' +
        '0 quarantined',
    );
  });

  it('leaves readable .eml drafts in ./outbox/, threaded and naming their port', async () => {
    // The held draft waits apart, in held/, where nothing that mails out the folder takes it.
    const files = [
      ...readdirSync(join(cwd, 'outbox')).filter((f) => f.endsWith('.eml')),
      ...readdirSync(join(cwd, 'outbox', 'held')).map((f) => join('held', f)),
    ].sort();
    expect(files).toHaveLength(5);
    expect(files.filter((f) => f.startsWith('held'))).toHaveLength(1);
    // The daily overview of the last whole day of the sample log.
    expect(files).toContain('overview-2026-11-20.eml');
    // Our own advisory: the sensor log shows 2375/tcp waking up, which nobody on the list reported.
    const advisory = await simpleParser(
      readFileSync(
        join(
          cwd,
          'outbox',
          files.find((f) => f.startsWith('advisory-'))!,
        ),
      ),
    );
    expect(advisory.subject).toBe(
      '[TLP:AMBER] [nsp-sec-jp] 注意喚起：2375/tcp宛てのスキャン増加 / Advisory: rising scans to 2375/tcp',
    );
    expect(advisory.text).toContain(
      'これまで当方のセンサーにほとんど着信のなかった2375/tcp宛ての通信が、11月20日 17時台（JST、08:00 UTC）から急増しています。',
    );
    expect(advisory.text).toContain('・送信元の国（増加前より割合が増えた国）：オランダ 63%、ブルガリア 37%');
    expect(advisory.text).toContain('TCPシーケンス番号が宛先アドレスと一致しており、Mirai系ボットの特徴と一致します。');
    const replies = files.filter((f) => !f.startsWith('advisory-') && !f.startsWith('overview-'));
    const mails = await Promise.all(replies.map((f) => simpleParser(readFileSync(join(cwd, 'outbox', f)))));
    const bySubject = Object.fromEntries(mails.map((m) => [m.inReplyTo, m]));
    const tcp = bySubject['<20261120101500.sato@abc-net.example>']!;
    expect(tcp.subject).toBe('[TLP:AMBER] Re: [nsp-sec-jp] tcp/5000 スキャンの急増について');
    expect(tcp.text).toContain('5000/tcp：11月20日 3時台（JST、11月19日 18:00 UTC）から増加しています。');
    expect(tcp.text).toContain('5000/tcp: rising since 19 Nov 18:00-19:00 UTC (20 Nov 03:00 JST).');
    expect(tcp.text).toContain(
      'ご報告の送信元 220.192.110.239（当方での初観測：11月13日 10:54 JST（01:54 UTC））、' +
        '80.136.229.69（当方での初観測：11月14日 13:40 JST（04:40 UTC））は、当方でも5000/tcp宛てを観測しています。',
    );
    // What our own events since the onset show, and the one-per-/24 pattern said from our data.
    expect(tcp.text).toContain('増加開始以降：290件、送信元279ホスト、SYNのみ 100%');
    expect(tcp.text).toContain(
      '当方のセンサーでも増加開始以降のイベントの100%が/24ごとに1アドレスだけを宛先としており、ご報告の挙動と一致します',
    );
    // Our own lines, not the reporter's echoed back, and none with one of our addresses.
    expect(tcp.text).toContain(
      '当方センサーのログ（抜粋。時刻はUTC、宛先アドレスは伏せています）：\n　2026-11-19T18:20:02.018Z SRC=80.136.229.69',
    );
    expect(tcp.text).not.toContain('報告にあったログ');
    expect(tcp.text).not.toMatch(/198\.51\.100\.\d/);
    expect(tcp.text).toContain(
      '直近の11月20日 10時台（JST、01:00 UTC）は最初の15分間で10件（毎時換算で約40件）と、' +
        '平常時（48時間移動平均 1.9件/時）の約21倍です。',
    );
    const sip = bySubject['<CAF1x2y3z4@mail.transit.example>']!;
    // The post says TLP:GREEN; the list's default, AMBER, is the floor of what we send there.
    expect(sip.subject).toBe('[TLP:AMBER] Re: [nsp-sec-jp] SIP scanning uptick (5060/udp)');
    expect(sip.text).toContain('5060/udpの件、当方のセンサーでは現時点で顕著な増加は観測されていません。');
    expect(sip.text).toContain('の範囲内です。なお、直近7日間の最多は11月20日 14時台（JST、05:00 UTC）の14件でした。');
    const udp = bySubject['<5f3e.suzuki@def-u.example>']!;
    expect(udp.text).toContain('当方のセンサーでは6585/udp宛ての通信は1件も記録されていません。');
    // The pf line quoted from the report named an address in our 203.0.113.0/24.
    expect(udp.text).not.toContain('203.0.113.');
    for (const m of mails) expect(m.to && 'text' in m.to ? m.to.text : '').toBe('nsp-sec-jp@example.net');
    for (const f of files)
      expect(readFileSync(join(cwd, 'outbox', f), 'latin1')).not.toMatch(/198\.51\.100\.|203\.0\.113\./);
  });

  it('holds the draft for the post that names our own 203.0.113.77, and keeps a private alert for us', () => {
    const m4 = fixture('demo', 'maildir', 'cur', '1763640300.M4P100.demo:2,S');
    expect(JSON.parse(kansoku(['correlate', m4, '--json'], cwd).stdout).ownNetworkSources).toEqual(['203.0.113.77']);
    const held = JSON.parse(kansoku(['drafts', '--status', 'held', '--json'], cwd).stdout);
    expect(held).toHaveLength(1);
    expect(held[0].heldReason).toContain('203.0.113.77');
    const alert = JSON.parse(kansoku(['drafts', '--json'], cwd).stdout).find(
      (d: { kind: string }) => d.kind === 'alert',
    );
    expect(alert).toMatchObject({ status: 'draft', emlPath: null });
    // The alert quotes the line in clear: it is for us alone.
    expect(kansoku(['show', String(alert.id)], cwd).stdout).toContain('203.0.113.77.51820 > 192.0.2.10.6585');
  });

  it('releases a held draft into review, its file out of held/', () => {
    const [held] = JSON.parse(kansoku(['drafts', '--status', 'held', '--json'], cwd).stdout);
    const r = kansoku(['release', String(held.id), '--note', 'customer contacted'], cwd);
    expect(r.code).toBe(0);
    const shown = JSON.parse(kansoku(['show', String(held.id), '--json'], cwd).stdout);
    expect(shown.status).toBe('draft');
    expect(shown.emlPath).toBe(join(cwd, 'outbox', held.emlPath.split('/').pop()));
    expect(readdirSync(join(cwd, 'outbox', 'held'))).toEqual([]);
    expect(shown.history.at(-1)).toMatchObject({ action: 'release', note: 'customer contacted' });
  });

  it("counts the member's confirming reply as a sighting of the 5000/tcp event", () => {
    const events = JSON.parse(kansoku(['events', '--json'], cwd).stdout);
    expect(events.map((e: { proto: string; port: number }) => `${e.port}/${e.proto}`)).toEqual([
      '5000/tcp',
      '5060/udp',
      '6585/udp',
      // Our own advisory's event: nobody posted about 2375/tcp.
      '2375/tcp',
    ]);
    expect(events[0]).toMatchObject({
      firstSeen: '2026-11-20T01:15:00.000Z',
      tally: { confirm: 1, deny: 0, question: 0, other: 0 },
      sightings: [
        { messageId: '<a1b2c3.tanaka@xyz-tsushin.example>', verdict: 'confirm', org: 'XYZ通信', counted: true },
      ],
    });
    expect(kansoku(['event', '1'], cwd).stdout).toContain('XYZ通信: confirm');
  });

  it('renders the overview of any day on demand, charts included, storing nothing', () => {
    const out = join(cwd, 'ov');
    const r = kansoku(['overview', '--day', '2026-11-20', '--dry-run', '--out', out], cwd);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('2026年11月20日（金）のポートスキャン概況です。');
    expect(readdirSync(out).sort()).toEqual([
      'overview-2026-11-20-tcp-2375.png',
      'overview-2026-11-20-tcp-5000.png',
      'overview-2026-11-20.eml',
    ]);
    const again = kansoku(['overview', '--day', '2026-11-20'], cwd);
    expect(again.stdout).toMatch(/^overview 2026-11-20: already drafted as #\d+$/m);
  });

  it('processes nothing twice when run again', () => {
    const again = kansoku(['run'], cwd);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('sensor.log: already imported, skipped');
    expect(again.stdout).toContain('6 messages: 0 drafted');
    expect(again.stdout).toContain('6 already processed');
  });

  it('lists, shows, approves and rejects drafts with an audit trail', () => {
    const list = JSON.parse(kansoku(['drafts', '--json'], cwd).stdout) as Array<{
      id: number;
      status: string;
      kind: string;
    }>;
    expect(list.map((d) => `${d.kind}:${d.status}`).sort()).toEqual([
      'advisory:draft',
      'alert:draft',
      'overview:draft',
      'reply:draft',
      'reply:draft',
      'reply:draft',
    ]);

    expect(kansoku(['approve', '1', '--by', 'alice'], cwd)).toMatchObject({ code: 0 });
    expect(kansoku(['reject', '2', '--note', 'not ours to answer'], cwd)).toMatchObject({ code: 0 });
    const shown = JSON.parse(kansoku(['show', '1', '--json'], cwd).stdout) as {
      status: string;
      history: Array<{ action: string; actor: string }>;
    };
    expect(shown.status).toBe('approved');
    expect(shown.history.map((h) => `${h.action}:${h.actor}`)).toEqual(['create:kansoku', 'approve:alice']);
    const rejected = JSON.parse(kansoku(['show', '2', '--json'], cwd).stdout) as {
      status: string;
      history: Array<{ actor: string; note: string | null }>;
    };
    expect(rejected.status).toBe('rejected');
    expect(rejected.history[1]).toMatchObject({ actor: 'tester', note: 'not ours to answer' });

    const twice = kansoku(['approve', '1'], cwd);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain('#1 is approved');
    expect(kansoku(['drafts', '--status', 'approved'], cwd).stdout).toContain('#1  approved');
    expect(kansoku(['show', '99'], cwd).code).toBe(1);
  });
});

describe('extract and correlate', () => {
  const cwd = scratch();
  const post = fixture('demo', 'maildir', 'cur', '1763601300.M1P100.demo:2,S');

  it('extract --json prints the Report contract', () => {
    const r = kansoku(['extract', post, '--json'], cwd);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({
      messageId: '<20261120101500.sato@abc-net.example>',
      subject: '[nsp-sec-jp] tcp/5000 スキャンの急増について',
      languages: ['ja', 'en'],
      tlp: null,
      ports: [{ port: 5000, proto: 'tcp', from: ['prose', 'log'] }],
      counts: { sources: 1200 },
    });
    expect(report.logLines).toHaveLength(3);
    expect(report.logLines[0]).toMatchObject({
      format: 'netfilter',
      ts: '2026-11-20T00:41:07Z',
      src: '220.192.110.239',
      spt: 4117,
      dst: '192.0.2.50',
      dpt: 5000,
      proto: 'tcp',
      flags: 'S',
    });
  });

  it('extract reads a message from stdin', () => {
    const r = kansoku(['extract', '-', '--json'], cwd, readFileSync(post));
    expect(JSON.parse(r.stdout).messageId).toBe('<20261120101500.sato@abc-net.example>');
  });

  it('extract reads the first message of an mbox', () => {
    const mbox = join(cwd, 'list.mbox');
    writeFileSync(
      mbox,
      Buffer.concat([Buffer.from('From sato@abc-net.example Fri Nov 20 10:15:00 2026\n'), readFileSync(post)]),
    );
    const r = kansoku(['extract', mbox, '--json'], cwd);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).messageId).toBe('<20261120101500.sato@abc-net.example>');
  });

  it('extract logs what the configured limits left out, and still prints what it read', () => {
    const dir = scratch();
    writeFileSync(join(dir, 'kansoku.yaml'), 'limits:\n  maxPortsPerPost: 2\n');
    const many = join(dir, 'many.eml');
    writeFileSync(
      many,
      'From: a@example.org\nSubject: ports\nMessage-ID: <many@example.org>\n\ntcp/1 tcp/2 tcp/3 tcp/4\n',
    );
    const capped = kansoku(['extract', many, '--json'], dir);
    expect(capped.code).toBe(0);
    expect(JSON.parse(capped.stdout).ports.map((p: { port: number }) => p.port)).toEqual([1, 2]);
    expect(capped.stderr).toContain('2 of 4 port claims not kept: limits.maxPortsPerPost (2) keeps the strongest');
  });

  it('correlate --json prints Findings against the store given with --db, at --at', () => {
    const db = storeAt(cwd, 'scratch');
    expect(kansoku(['--db', db, 'counters', 'import', fixture('demo', 'sensor.log')], cwd).code).toBe(0);
    const r = kansoku(['correlate', post, '--json', '--db', db], cwd);
    expect(r.code).toBe(0);
    const { findings } = JSON.parse(r.stdout);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ port: 5000, proto: 'tcp', verdict: 'elevated', onset: '2026-11-19T18:00:00Z' });
    expect(findings[0].baseline.upper).toBeGreaterThan(findings[0].baseline.mean);
    expect(findings[0].sourcesSeenLocally.sort()).toEqual(['220.192.110.239', '80.136.229.69']);
    const before = JSON.parse(
      kansoku(['correlate', post, '--json', '--db', db, '--at', '2026-11-19T12:00:00Z'], cwd).stdout,
    );
    expect(before.findings[0].verdict).toBe('normal');
    const beforeSensor = JSON.parse(
      kansoku(['correlate', post, '--json', '--db', db, '--at', '2026-11-12T12:00:00Z'], cwd).stdout,
    );
    expect(beforeSensor.findings[0].verdict).toBe('no-data');
  });

  it('reads counters from stdin', () => {
    const db = storeAt(cwd, 'stdin');
    const lines = readFileSync(fixture('demo', 'sensor.log'), 'utf8').split('\n').slice(0, 100).join('\n');
    const r = kansoku(['--db', db, 'counters', 'import', '--json'], cwd, lines);
    expect(JSON.parse(r.stdout)[0]).toMatchObject({ name: 'stdin', status: 'imported', parsed: 100 });
  });
});

describe('a run whose sensor logs are partly unreadable', () => {
  it('says which log it could not read, counts the others, and still answers the posts', () => {
    const cwd = scratch();
    const demo = readFileSync(fixture('demo', 'kansoku.yaml'), 'utf8')
      .replace('path: maildir', `path: ${fixture('demo', 'maildir')}`)
      .replace(
        'files: [sensor.log]',
        `files: [${join(cwd, 'gone.log')}, ${join(cwd, 'broken.log.gz')}, ${fixture('demo', 'sensor.log')}]`,
      );
    writeFileSync(join(cwd, 'kansoku.yaml'), demo);
    writeFileSync(
      join(cwd, 'broken.log.gz'),
      Buffer.concat([gzipSync(readFileSync(fixture('demo', 'sensor.log'))).subarray(0, 2000), Buffer.alloc(32, 1)]),
    );
    const r = kansoku(['run'], cwd);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/gone\.log: not imported: input file cannot be read: .*ENOENT/);
    expect(r.stdout).toMatch(/broken\.log\.gz: not imported: input file cannot be read/);
    expect(r.stdout).toContain('10117 of 10117 lines counted');
    expect(r.stdout).toContain('2 drafted, 1 drafted and held');
  });
});
