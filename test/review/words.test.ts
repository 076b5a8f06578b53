import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { looksAutomatic, readDecision } from '../../src/review/words.ts';

const alice = ['Alice Example', 'Alice', 'Example', 'alice'];
const suzuki = ['鈴木 太郎', '鈴木', '太郎', 't-suzuki'];
const bob = ['Bob Builder', 'Bob', 'Builder', 'bob'];

const request = [
  'On Fri, 20 Nov 2026 10:15 +0900 kansoku <kansoku@example.org> wrote:',
  '> 以下の下書きの確認をお願いします（宛先：list@example.net、TLP:GREEN）。',
  '> このメールに返信し、本文の最初に「承認」または「却下」と書いてください。',
  '> Reply to this message with "approve" or "reject" as the first word of your reply.',
].join('\n');

const intent = (text: string, names: string[] = alice) => readDecision(text, names).intent;

describe('readDecision', () => {
  it.each([
    ['承認', suzuki],
    ['承認します。', suzuki],
    ['承認。', suzuki],
    ['承認いたします', suzuki],
    ['承認です！', suzuki],
    ['承認でお願いします。', suzuki],
    ['お疲れ様です。\n鈴木です。\n\n承認します。', suzuki],
    ['お疲れさまです。セキュリティ運用の鈴木です。\n承認しました。', suzuki],
    ['いつもお世話になっております。\n鈴木と申します。\n承認します', suzuki],
    ['kansoku様\n\n承認します。よろしくお願いします。', suzuki],
    ['各位\nお疲れ様です、鈴木です。\n承認', suzuki],
    ['お疲れ様です。鈴木です。承認します。', suzuki],
    ['鈴木\n承認します', suzuki],
    ['Approve.', alice],
    ['approved', alice],
    ['APPROVED!', alice],
    ['ＡＰＰＲＯＶＥ', alice],
    ['Hi,\n\napprove\n\nAlice', alice],
    ['Hi all,\napprove', alice],
    ['Dear moderators,\n\nApprove.\n\nThanks,\nAlice', alice],
    ['alice\napprove', alice],
    ['Alice: approve', alice],
    ['Thanks, approve', alice],
    [`承認します\n\n${request}`, suzuki],
    [`approve\n\n${request}`, alice],
    ['approve v1.2 of the text', alice],
    ['承認します。問題ありません。', suzuki],
    ['承認します。よろしくお願いいたします。\n\n-- \n鈴木\n本メールに心当たりのない方は削除してください。', suzuki],
    ['Approve. No objections from me.\n\nThanks,\nAlice', alice],
  ])('approves %j', (text, names) => {
    expect(readDecision(text, names)).toMatchObject({ intent: 'approve' });
  });

  it('returns the sentence that decided', () => {
    expect(readDecision('お疲れ様です。\n鈴木です。\n\n承認します。', suzuki)).toEqual({
      intent: 'approve',
      sentence: '承認します。',
    });
    expect(readDecision('却下します。理由：ポートが違う', suzuki)).toEqual({
      intent: 'reject',
      sentence: '却下します。',
    });
  });

  it.each([
    ['却下', suzuki],
    ['却下します。理由：ポートが違う', suzuki],
    ['却下でお願いします', suzuki],
    ['reject: wrong port', alice],
    ['Rejected.', alice],
    ['Hi,\nreject until the port is fixed', alice],
    ['reject: not ours to answer', alice],
    [`却下\n\n${request}`, suzuki],
  ])('rejects %j', (text, names) => {
    expect(readDecision(text, names)).toMatchObject({ intent: 'reject' });
  });

  it.each([
    ['承認しません', 'negation'],
    ['承認できません', 'negation'],
    ['承認しない', 'negation'],
    ['承認は保留で', 'hedge'],
    ['承認は後で', 'hedge'],
    ['承認したいところですが、件名を直してください。', 'hedge'],
    ['承認しますが、件名は直してください', 'hedge'],
    ['まだ承認しないでください', 'first word'],
    ['承認者に確認します', 'not a plain 承認'],
    ['承認？', 'question'],
    ['Do not approve this yet', 'first word is "Do"'],
    ["I can't approve this", 'first word is "I"'],
    ['Approve? No.', 'question'],
    ['Approve!?', 'question'],
    ['approve once the subject is fixed', 'hedge'],
    ['Approve, but fix the subject', 'hedge'],
    ['approve if Bob agrees', 'hedge'],
    ["approve, don't send yet", 'negation'],
    ['Approval is up to Bob', 'first word is "Approval"'],
    ['approves', 'first word'],
    ['LGTM', 'first word is "LGTM"'],
    ['Thanks,\nBob\nApproval Team Lead', 'first word is "Approval"'],
    ['Looks fine.\n\nBob\nApproval Team Lead', 'first word is "Looks"'],
    ['approve, no wait, reject', 'negation'],
    ['承認、いや却下', 'both'],
    ['却下しないで', 'not a plain 却下'],
    ['承認\n\n(送信済みの下書きは取り消せません。)', 'taken back'],
    ['承認です。まだ送らないでください', 'taken back'],
    ['承認\nしないでください', 'taken back'],
    ['Approve. Actually, no - hold it, the numbers are wrong.', 'taken back'],
    ['承認：\n不可', 'taken back'],
    ['Approve... NOT!', 'taken back'],
    ['Approve…not', 'taken back'],
    ['承認。。。できません', 'taken back'],
    ['approve\n\nJust kidding, please reject', 'taken back'],
    ['承認します。ただし数字を直してから。', 'taken back'],
    ['承認（ログ部分は削除して）', 'taken back'],
    ['approve w/o the log lines', 'taken back'],
    ['approve minus the last paragraph', 'taken back'],
    ['承認…難しいかな', 'taken back'],
    ['承認、と言いたいところ', 'taken back'],
    ['approve — kidding', 'taken back'],
    ['承認します（冗談です）', 'taken back'],
    ['Approved by nobody.', 'taken back'],
    ['承認 ×', 'taken back'],
    ['Approve ❌', 'taken back'],
    ['approve¿', 'taken back'],
    ['Approve.\n\nActually, wait until Monday.', 'taken back'],
    ['承認します\n\nただし件名修正後に送ってください。', 'taken back'],
    ['Approve.\n\nBut please fix the subject first, then send.', 'taken back'],
    ['approve\n\nafter legal signs off', 'taken back'],
    ['承認\n\n※件名に誤りがあるので修正してから送信してください', 'taken back'],
    ['承認します\n\u3000\nただし件名を直してから', 'taken back'],
    ["Don't reject", 'first word'],
    ['reject? not sure', 'question'],
    ['只今不在にしております。承認は戻り次第対応します。', 'automatic'],
    ['承認\n\n夏季休暇のため8月20日まで不在です。', 'automatic'],
    ['I am out of the office until Monday. I will approve on my return.', 'automatic'],
    ['Approve\n\n-- \nThis is an automatic reply.', 'automatic'],
    ['', 'no text'],
    [request, 'no text'],
    ['お疲れ様です。\n鈴木です。', 'nothing after'],
    ['Hi I cannot approve', 'first word is "Hi"'],
    ['問題ないです。\n承認します', 'first word is "問題ないです"'],
  ])('does not decide on %j (%s)', (text, why) => {
    const r = readDecision(text, text.includes('Bob') ? bob : text.includes('Hi') ? alice : suzuki);
    expect(r.intent).toBe('none');
    expect(r.intent === 'none' && r.why).toContain(why);
  });

  it('decides nothing on a yes written with an emoji, whichever emoji it is', () => {
    for (const e of ['👍', '🙏', '😀', '👎', '🙅']) {
      expect(intent(`approve ${e}`)).toBe('none');
      expect(intent(`承認します${e}`, suzuki)).toBe('none');
    }
    expect(intent('approve')).toBe('approve');
  });

  it('ignores a name that is not the sender’s', () => {
    expect(intent('carol\napprove', alice)).toBe('none');
    expect(intent('carol\napprove', ['carol'])).toBe('approve');
  });

  it('reads a long reply in linear time', () => {
    const long = `${'Hi, '.repeat(50_000)}approve ${'x'.repeat(200_000)}${'が'.repeat(100_000)}`;
    const start = performance.now();
    readDecision(long, alice);
    readDecision('承認'.repeat(200_000), suzuki);
    readDecision('お疲れ様です'.repeat(50_000), suzuki);
    expect(performance.now() - start).toBeLessThan(2_000);
  });
});

describe('looksAutomatic', () => {
  it.each([
    '只今不在にしております。',
    '夏季休暇をいただいております',
    '外出中のため返信が遅れます',
    '出張中です',
    'このメールは自動返信です',
    '自動応答メッセージ',
    'I am out of the office until Monday.',
    'Out-of-office: back on the 3rd',
    'OOO until Friday',
    'I am on vacation',
    'on leave until May',
    'I am away from my desk',
    'Auto-Reply: re: review',
    'This is an automatic reply',
    'autoreply',
  ])('%j', (text) => {
    expect(looksAutomatic(text)).toBe(true);
  });

  it.each(['承認します', 'Approve. Thanks!', 'Foo bar, zoom on the office printer', 'cooool'])('not %j', (text) => {
    expect(looksAutomatic(text)).toBe(false);
  });
});

describe('readDecision properties (fast-check)', () => {
  const greeting = fc.constantFrom(
    '',
    'お疲れ様です。\n',
    'お疲れ様です。\n鈴木です。\n\n',
    'kansoku様\n',
    '各位\n',
    'Hi,\n\n',
    'Hi all,\n',
    'Dear moderators,\n',
    'Thanks, ',
    'alice\n',
  );
  const startsNegated = fc.constantFrom(
    'not',
    "don't",
    'never',
    'no',
    'cannot',
    "can't",
    "won't",
    'do not approve',
    "I can't approve",
    '承認しない',
    '承認しません',
    '承認できません',
    '承認不可',
    'まだ',
    '承認は保留',
    '承認待ち',
    '否認',
  );
  const negation = fc.constantFrom(
    ' not ',
    " don't ",
    ' never ',
    ' no ',
    ' cannot ',
    " can't ",
    " won't ",
    ' wait ',
    ' yet ',
    ' unless ',
    ' if ',
    ' but ',
    ' until ',
    ' once ',
    ' pending ',
    ' maybe ',
    ' later ',
    ' hold ',
    ' after ',
    'ない ',
    'ません ',
    'ず ',
    '不可 ',
    '保留 ',
    '待 ',
    '否 ',
    '中止 ',
    '取り消 ',
    '取消 ',
    'まだ ',
    '後で ',
    '場合 ',
    'たら ',
    'れば ',
    'ただし ',
    'けど ',
    'けれど ',
    'が、',
    '？',
  );
  // No sentence ends inside it, so the negation that follows stays in the first sentence.
  const middle = fc.string({ unit: fc.constantFrom(...'abcxyz ,、:承認しますあいう鈴木ABC-'), maxLength: 20 });
  const anything = fc.string({ unit: 'binary', maxLength: 60 });
  const approval = fc.constantFrom(
    '承認',
    '承認します',
    '承認いたします',
    '承認です',
    '承認で',
    'approve',
    'Approved',
    'APPROVE',
  );

  it('never approves a reply that starts with a negation', () => {
    fc.assert(
      fc.property(greeting, startsNegated, anything, (g, n, tail) => {
        expect(readDecision(g + n + tail, alice).intent).not.toBe('approve');
      }),
    );
  });

  it('never approves when the first sentence holds a negation or a hedge', () => {
    fc.assert(
      fc.property(greeting, approval, middle, negation, anything, (g, a, m, n, tail) => {
        expect(readDecision(g + a + m + n + tail, alice).intent).not.toBe('approve');
      }),
    );
  });

  it('approves "承認します。" whatever the signature below it says', () => {
    fc.assert(
      fc.property(greeting, anything, (g, suffix) => {
        // A suffix that reads as an out-of-office reply makes the whole body one, on purpose.
        fc.pre(!looksAutomatic(suffix));
        expect(readDecision(`${g}承認します。\n\n-- \n${suffix}`, alice)).toEqual({
          intent: 'approve',
          sentence: '承認します。',
        });
      }),
      { numRuns: 500 },
    );
  });
});
