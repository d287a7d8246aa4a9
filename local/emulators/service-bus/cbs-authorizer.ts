/**
 * Claims-based security as Service Bus runs it: a client puts a token on `$cbs` for an audience,
 * then may attach links to the entities that audience covers, on that connection only.
 */
import type { AmqpError, Connection } from 'rhea';
import type { AmqpMessage } from './amqp-message';
import { audienceCovers, checkSasToken, type SharedAccessKey } from './sas-token';

export const CBS_ADDRESS = '$cbs';
const SAS_TOKEN_TYPE = 'servicebus.windows.net:sastoken';

export interface PutTokenResult {
  /** Application properties of the `$cbs` response. */
  response: Record<string, unknown>;
  /** Why the token was refused, if it was (for the log: never the token itself). */
  refusal?: string;
}

export class CbsAuthorizer {
  private readonly audiences = new WeakMap<Connection, Set<string>>();

  constructor(private readonly key: SharedAccessKey) {}

  /** Handles a `put-token` request; tokens are signed on the wall clock, so expiry is checked on it. */
  putToken(connection: Connection, request: AmqpMessage): PutTokenResult {
    const check =
      request.application_properties?.type === SAS_TOKEN_TYPE
        ? checkSasToken(request.body, this.key, Date.now())
        : ({ valid: false, reason: 'only SAS tokens are accepted' } as const);
    if (!check.valid) {
      return {
        response: { 'status-code': 401, 'status-description': `Unauthorized: ${check.reason}.` },
        refusal: check.reason,
      };
    }
    this.audiences.set(connection, (this.audiences.get(connection) ?? new Set()).add(check.audience));
    return { response: { 'status-code': 202, 'status-description': 'Accepted' } };
  }

  /** The error a link attach gets when no token on its connection covers the entity. */
  refusalFor(connection: Connection, entityPath: string): AmqpError | undefined {
    const granted = [...(this.audiences.get(connection) ?? [])];
    if (granted.some((audience) => audienceCovers(audience, entityPath))) return undefined;
    return {
      condition: 'amqp:unauthorized-access',
      description: `Unauthorized access to '${entityPath}'. Put a token on ${CBS_ADDRESS} first.`,
    };
  }
}
