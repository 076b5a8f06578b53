/** Every error kansoku raises on purpose carries a code from this table and the stage it came from. */
export const ErrorCodes = {
  CONFIG_INVALID: 'config is not valid',
  CONFIG_UNREADABLE: 'config file cannot be read',
  SOURCE_UNREADABLE: 'mail source cannot be read',
  MESSAGE_UNPARSABLE: 'message cannot be parsed',
  INPUT_UNREADABLE: 'input file cannot be read',
  USAGE: 'the command line is not valid',
  DRAFT_NOT_FOUND: 'no such draft',
  MESSAGE_NOT_FOUND: 'no such message',
  DRAFT_STATE: 'draft is not in a state that allows this',
  DRAFT_TLP_RED: 'TLP:RED material is never sent to a list',
  DRAFT_REVISED: 'the draft was revised since the revision named; read it again before approving',
  DRAFT_EDIT_REFUSED: 'the edit was not stored',
  OUTBOUND_REFUSED: 'the outbound gate refused the message',
  STORE_SCHEMA: 'store schema is newer than this version of kansoku',
  STORE_UNREACHABLE: 'store cannot be reached',
  STORE_PG_DRIVER: 'PostgreSQL driver is not installed',
  STORE_ASYNC_TX: 'store transaction misused',
  STORE_LOCK_OUTSIDE_TX: 'store lock taken outside a transaction',
} as const;

export type ErrorCode = keyof typeof ErrorCodes;
export type Stage =
  'config' | 'mail' | 'extract' | 'counters' | 'correlate' | 'draft' | 'review' | 'outbound' | 'store' | 'cli';

export class KansokuError extends Error {
  readonly code: ErrorCode;
  readonly stage: Stage;
  constructor(code: ErrorCode, stage: Stage, detail?: string, options?: { cause?: unknown }) {
    super(detail ? `${ErrorCodes[code]}: ${detail}` : ErrorCodes[code], options);
    this.name = 'KansokuError';
    this.code = code;
    this.stage = stage;
  }
}
