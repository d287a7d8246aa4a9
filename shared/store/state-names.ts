/**
 * The states of one customer (docs/architecture.md "States of one customer"), in display order. A module
 * without imports: the dashboard's browser bundle (web/) uses it too.
 */
export const CUSTOMER_STATE_NAMES = [
  'Checking',
  'Accepted',
  'InviteSent',
  'AttestationPending',
  'Confirming',
  'ReattestationRequired',
  'HandedOff',
  'Expired',
  'Failed',
  /** Not covered and no signatory known: the partner's desk was told at once. */
  'AwaitingContact',
] as const;
