import { mailStackUp } from './helpers/mailstack.ts';

/** The live tests talk to real Dovecot and Postfix on loopback; start them once (idempotent). */
export default function setup(): void {
  mailStackUp();
}
