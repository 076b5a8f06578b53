import { classifyReply } from '../src/sightings/classify.ts';
import { ownText } from '../src/mail/reply-text.ts';
const cases: Array<[string, string]> = [
  ['当方でも確認しましたが、観測されていません。', 'deny'],
  ['当方でも確認しましたが、特に増加は見られません。', 'deny'],
  ['こちらでは何も見えていないです。', 'deny'],
  ['We have 0 hits on 5000/tcp.', 'deny'],
  ['We see 3 events an hour, which is our normal level.', 'deny'],
  ['Our sensors show nothing too.', 'deny'],
  ['We have blocked it too.', 'other'],
  ['I have a question too. Which ASN is this?', 'question'],
  ['We could not confirm any increase', 'deny'],
  ["We couldn't confirm it here", 'deny'],
  ['Unable to confirm from our side', 'deny'],
  ['Not confirmed here', 'deny'],
  ['Confirmed negative', 'deny'],
  ['Nothing to confirm here', 'deny'],
  ['Please confirm your time zone', 'other'],
  ['Checking now, will confirm later', 'other'],
  ['弊社でも確認中です', 'other'],
  ['弊社でも確認いたします', 'other'],
  ['当方でも観測しているか確認します', 'other'],
  ['うちでも観測してないです', 'deny'],
  ['当方でも観測していない状況です', 'deny'],
  ['当方でも増加は見られないです', 'deny'],
  ['We also have no data for that period.', 'other'],
  ['Thanks.\n-- \nJohn\n+1.555.010.0100', 'other'],
  ['Thanks.\nJohn\n+1.555.010.0100', 'other'],
  ['Thanks\n＞当方でも観測しています。', 'other'],
  ['On Fri, Taro <y@abc.example> wrote:\n| We see SYN scans seeing it too\n', 'other'],
  ['+1, same on AS64500', 'confirm'],
  ['Seeing it too on our edge', 'confirm'],
  ['弊社のセンサーでも確認できました', 'confirm'],
  ['同じ送信元を確認しました', 'confirm'],
  ['当社では観測されておりません', 'deny'],
  ['Confirmed on our side.', 'confirm'],
  ['We can confirm, ~300 sources/h here.', 'confirm'],
];
let bad = 0;
for (const [t, w] of cases) {
  const g = classifyReply(ownText(t));
  if (g !== w) {
    bad++;
    console.log('MISS', w, g, JSON.stringify(t));
  }
}
console.log('adversarial misses', bad, '/', cases.length);
