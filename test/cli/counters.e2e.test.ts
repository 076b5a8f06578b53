import { spawnSync } from 'node:child_process';
import { appendFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kansoku, kansokuProcess, scratch } from '../helpers/cli.ts';
import { fixture, root } from '../helpers/paths.ts';
import { storeAt } from '../helpers/store.ts';

const line = (i: number) =>
  `2026-11-20T00:00:${String(i % 60).padStart(2, '0')}Z fw kernel: DROP IN=eth0 OUT= SRC=192.0.2.${i % 250} ` +
  'DST=198.51.100.1 LEN=40 PROTO=TCP SPT=4000 DPT=5000 WINDOW=1 RES=0x00 SYN URGP=0';

function status(db: string, cwd: string) {
  return JSON.parse(kansoku(['--db', db, 'counters', 'status', '--json'], cwd).stdout) as {
    hours: number;
    recentEvents: number;
    imports: number;
  };
}

describe('the counters commands', () => {
  it('status says what the counters hold, and prune drops raw events past their retention', () => {
    const cwd = scratch();
    const db = storeAt(cwd, 'prune');
    expect(kansoku(['--db', db, 'counters', 'import', fixture('demo', 'sensor.log')], cwd).code).toBe(0);
    const text = kansoku(['--db', db, 'counters', 'status'], cwd);
    expect(text.stdout).toMatch(
      new RegExp(
        String.raw`^hours with data: 189 \(2026-11-13T00:00:00\.000Z \.\. 2026-11-20T23:00:00\.000Z\), ` +
          String.raw`rollups: \d+, sensors: default, raw events kept: \d+, files imported: 1\n$`,
      ),
    );
    const before = status(db, cwd);
    const pruned = kansoku(['--db', db, 'counters', 'prune'], cwd);
    expect(pruned.code).toBe(0);
    const [, , raw] = /^pruned (\d+) rollup rows and (\d+) raw events\n$/.exec(pruned.stdout)!;
    expect(status(db, cwd).recentEvents).toBe(before.recentEvents - Number(raw));
  });

  it('follow counts the lines appended to a log until SIGTERM', async () => {
    const cwd = scratch();
    const db = storeAt(cwd, 'follow');
    const log = join(cwd, 'fw.log');
    writeFileSync(log, `${line(0)}\n`);
    const p = kansokuProcess(['--db', db, 'counters', 'follow', log, '--sensor', 'edge'], cwd);
    await p.output(/^following .*fw\.log; stop with SIGTERM$/m);
    appendFileSync(log, `${line(1)}\n${line(2)}\n`);
    await new Promise((r) => setTimeout(r, 2500));
    const r = await p.stop();
    expect(r).toMatchObject({ code: 0, stderr: '' });
    // The line that was there before following began is not read.
    expect(r.stdout).toMatch(/^2 lines read$/m);
    expect(kansoku(['--db', db, 'counters', 'stats', '--sensor', 'edge', '--json'], cwd).stdout).toContain(
      '"events": 2',
    );
  });

  it('listen takes syslog over TCP until SIGTERM', async () => {
    const cwd = scratch();
    const db = storeAt(cwd, 'listen');
    const p = kansokuProcess(['--db', db, 'counters', 'listen', '--tcp', '0'], cwd);
    const out = await p.output(/; stop with SIGTERM$/m);
    const port = Number(/^listening for syslog on 127\.0\.0\.1 tcp\/(\d+); stop with SIGTERM$/m.exec(out)![1]);
    await new Promise<void>((r) => {
      const c = connect(port, '127.0.0.1', () => c.end(`<4>${line(1)}\n<4>${line(2)}\n<4>${line(3)}\n`, r));
    });
    await new Promise((r) => setTimeout(r, 500));
    const r = await p.stop();
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toMatch(/^3 messages received$/m);
  });

  it('keeps its human or JSON output on stdout, the log on stderr, and stops quietly when the reader does', () => {
    const cwd = scratch();
    const db = storeAt(cwd, 'streams');
    const r = kansoku(
      ['--db', db, '--log-level', 'info', 'counters', 'import', '--json', fixture('demo', 'sensor.log')],
      cwd,
    );
    expect(JSON.parse(r.stdout)).toMatchObject([{ parsed: 10117 }]);
    expect(r.stderr).toContain('"msg":"sensor log imported"');
    // The table is far larger than a pipe holds: the CLI writes on after head has gone.
    const piped = spawnSync(
      'bash',
      [
        '-c',
        'set -o pipefail; "$0" "$1" --db "$2" counters stats --limit 100000 | head -1',
        process.execPath,
        join(root, 'bin', 'kansoku.js'),
        db,
      ],
      { cwd, encoding: 'utf8', env: { ...process.env, KANSOKU_LOG_LEVEL: 'warn' } },
    );
    expect(piped).toMatchObject({ status: 0, stderr: '' });
    expect(piped.stdout).toMatch(/^hour \(UTC\) +sensor/);
  });
});

describe('kansoku send', () => {
  it('reports an empty outbox', () => {
    const cwd = scratch();
    expect(kansoku(['send'], cwd)).toMatchObject({
      code: 0,
      stdout: 'outbox: 0 sent, 0 found already delivered, 0 failed (will retry), 0 waiting\n',
    });
    expect(JSON.parse(kansoku(['send', '--json'], cwd).stdout)).toEqual({
      sent: 0,
      found: 0,
      failed: 0,
      waiting: 0,
      refused: 0,
    });
  });
});
