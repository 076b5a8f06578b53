import { compose } from '/work/main/src/outbound/compose.ts';
const raw = await compose({ from: 'a <a@b.example>', to: 'l@x.example', subject: '[TLP:AMBER] x', text: 'a\nb\n-- \nsig\n', messageId: '<m@b.example>', inReplyTo: null, references: [], tlp: 'AMBER', kind: 'reply', draftMessageId: '<m@b.example>', automatic: false, charset: 'utf-8' });
const s = raw.toString('latin1');
console.log(JSON.stringify(s));
