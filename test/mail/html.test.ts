import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../src/config/schema.ts';
import { extractReport } from '../../src/extract/report.ts';
import { htmlText, nestsDeeperThan, stripTags } from '../../src/mail/html.ts';
import { parsePost } from '../../src/mail/parse.ts';

const opts = { zone: 'UTC', maxScanChars: 512 * 1024, maxLineChars: 4096 };
const LOG =
  'Nov 19 09:01:02 edge01 kernel: DROP IN=eth1 OUT= SRC=203.0.113.7 DST=198.51.100.5 LEN=44 TTL=47 ID=54321 ' +
  'PROTO=TCP SPT=41234 DPT=5000 WINDOW=1024 RES=0x00 SYN URGP=0';

function htmlMail(html: string): Buffer {
  return Buffer.from(
    'From: a@example.org\r\nSubject: scans\r\nMessage-ID: <h@example.org>\r\nMIME-Version: 1.0\r\n' +
      `Content-Type: text/html; charset=utf-8\r\n\r\n${html}`,
  );
}

describe('HTML nesting depth, counted from the tags', () => {
  it('counts open elements, not void ones', () => {
    expect(nestsDeeperThan('<div><p><br><img src=x>x</p></div>', 2)).toBe(false);
    expect(nestsDeeperThan('<div><p><span>x</span></p></div>', 2)).toBe(true);
  });

  it('is not fooled by close tags of elements that were never opened', () => {
    expect(nestsDeeperThan('<div></b>'.repeat(300), 200)).toBe(true);
  });

  it('counts an element HTML closes by itself (an unclosed <p>) as still open: deep, never shallow', () => {
    expect(nestsDeeperThan('<p>a'.repeat(10), 5)).toBe(true);
  });

  it('says exactly whether well-formed markup nests deeper than the limit (fast-check)', () => {
    type Tree = { tag: string; kids: readonly Tree[] };
    const tag = fc.constantFrom('div', 'span', 'table', 'td', 'b');
    const { tree } = fc.letrec<{ tree: Tree }>((t) => ({
      tree: fc.oneof(
        { maxDepth: 8 },
        fc.record({ tag, kids: fc.constant([]) }),
        fc.record({ tag, kids: fc.array(t('tree'), { maxLength: 3 }) }),
      ),
    }));
    const html = (n: Tree): string => `<${n.tag}>x${n.kids.map(html).join('')}</${n.tag.toUpperCase()}>`;
    const depth = (n: Tree): number => 1 + Math.max(0, ...n.kids.map(depth));
    fc.assert(
      fc.property(tree, fc.integer({ min: 0, max: 8 }), (t, max) => {
        expect(nestsDeeperThan(html(t), max)).toBe(depth(t) > max);
      }),
    );
  });
});

describe('stripping tags', () => {
  it('keeps the words and the lines, drops styles and scripts, decodes entities', () => {
    expect(
      stripTags('<style>p{color:red}</style><p>tcp/5000 &amp; udp/53</p><p>&#x41;&#66; &lt;x&gt;<br>next</p><script>1'),
    ).toBe('tcp/5000 & udp/53\nAB <x>\nnext\n');
  });

  it('leaves what is not a tag alone, and decodes entities as a browser shows them', () => {
    expect(stripTags('a < b > c & d &unknown; &#0; &amp x &colon;')).toBe('a < b > c & d &unknown; \uFFFD & x :');
  });

  it('keeps table cells apart: two cells never read as one address', () => {
    expect(stripTags('<table><tr><td>192.0.2.</td><td>5</td></tr></table>')).toBe('192.0.2. 5 \n\n');
  });
});

describe('HTML limits', () => {
  const small = { ...DEFAULT_LIMITS, maxHtmlBytes: 2000, maxHtmlDepth: 20 };

  it('lays out HTML within the limits, with no warning', () => {
    const warnings: string[] = [];
    expect(htmlText('<p>tcp/5000</p><ul><li>one</li></ul>', small, 'body', warnings)).toBe('tcp/5000\n\n * one');
    expect(warnings).toEqual([]);
  });

  it('strips HTML nested past limits.maxHtmlDepth and still reads its ports and log lines', async () => {
    // 20,000 nested elements overflowed html-to-text's stack and ran past 180 s before the cap.
    const deep = '<div>'.repeat(20_000);
    const p = await parsePost(htmlMail(`<p>SYN probes to tcp/5000 are rising.</p><p>${LOG}</p>${deep}x`));
    expect(p.warnings).toEqual([
      'body: HTML nested deeper than limits.maxHtmlDepth (200); read with its tags stripped, without layout',
    ]);
    const r = extractReport(p, opts);
    expect(r.ports.map((x) => `${x.proto}/${x.port}`)).toEqual(['tcp/5000']);
    expect(r.logLines.map((l) => l.src)).toEqual(['203.0.113.7']);
  });

  it('strips an HTML body over limits.maxHtmlBytes and still reads its label and log lines', async () => {
    const big = `<p>TLP:RED</p><p>${LOG}</p>${'<p>filler</p>'.repeat(200)}`;
    const p = await parsePost(htmlMail(big), small);
    expect(p.warnings).toEqual([
      expect.stringMatching(/^body: HTML \d+ bytes, over limits\.maxHtmlBytes \(2000\); read with its tags/),
    ]);
    const r = extractReport(p, opts);
    expect(r.tlp).toBe('RED');
    expect(r.logLines.map((l) => l.dpt)).toEqual([5000]);
  });

  it('reads the HTML alternative of a text part for its label by its words, whatever its size', async () => {
    const big = `<p>TLP:<b>RED</b></p><p>${LOG}</p>${'<div>filler</div>'.repeat(20_000)}`;
    const raw = Buffer.from(
      'From: a@example.org\r\nSubject: s\r\nMessage-ID: <a@example.org>\r\nMIME-Version: 1.0\r\n' +
        'Content-Type: multipart/alternative; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n' +
        `tcp/5000\r\n--b\r\nContent-Type: text/html\r\n\r\n${big}\r\n--b--\r\n`,
    );
    const p = await parsePost(raw, small);
    expect(p.warnings).toEqual([]);
    const r = extractReport(p, opts);
    expect(r.tlp).toBe('RED');
    // The alternative repeats the text part: its log line is not counted a second time.
    expect(r.logLines).toEqual([]);
  });
});

describe('an HTML post with a table', () => {
  it('lays the table out with its cells apart, so that a rank and a port are not read as one number', async () => {
    const html =
      '<p>Scans by destination port:</p><table border="1"><tr><th>Rank</th><th>Dst port</th><th>Reports</th></tr>' +
      '<tr><td>1</td><td>22/TCP (SSH)</td><td>1,104</td></tr><tr><td>2</td><td>3389/TCP (RDP)</td><td>682</td></tr>' +
      '</table>';
    const report = extractReport(await parsePost(htmlMail(html)), opts);
    expect(report.ports.map((p) => `${p.proto}/${p.port}`)).toEqual(['tcp/22', 'tcp/3389']);
  });

  it('strips a table whose layout would pad every row to a wide cell, and says so', () => {
    const rows = Array.from({ length: 2000 }, (_, i) => `<tr><td>${i}</td><td>x</td></tr>`).join('');
    const html = `<table><tr><td>${'w'.repeat(9000)}</td><td>y</td></tr>${rows}</table>`;
    const warnings: string[] = [];
    const text = htmlText(html, DEFAULT_LIMITS, 'body', warnings);
    expect(text.length).toBeLessThan(4 * html.length);
    expect(warnings.join('\n')).toMatch(/laid out to \d+ characters/);
  });
});
