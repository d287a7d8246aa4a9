/**
 * The Durable extension's HTTP management API (`/runtime/webhooks/durabletask/...`), which
 * `DurableClient` calls through `rpcBaseUrl`; routes, status codes and payloads follow the extension's
 * HttpApiHandler.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { managementUrls, webhookPath } from './client-binding';
import { eventTypeName, EventType } from './history';
import { isTerminal, type Engine } from './engine';
import type { InstanceRecord, RuntimeStatus } from './instance-store';

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

interface ApiRequest {
  method: string;
  url: URL;
  segments: string[];
  body: Buffer;
  contentType: string;
}

const runtimeStatuses: readonly RuntimeStatus[] = ['Pending', 'Running', 'Completed', 'Failed', 'Terminated'];

export class ManagementApi {
  constructor(
    private readonly engine: Engine,
    private readonly hubName: string,
    private readonly baseUrl: string,
  ) {}

  async handle(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<boolean> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== webhookPath && !url.pathname.startsWith(`${webhookPath}/`)) return false;
    let reply: Reply;
    try {
      const segments = url.pathname
        .slice(webhookPath.length)
        .split('/')
        .filter(Boolean)
        .map(decodeURIComponent);
      const request = {
        method: req.method ?? 'GET',
        url,
        segments,
        body,
        contentType: req.headers['content-type'] ?? '',
      };
      reply = this.route(request, req.headers.host, req.headers['x-ms-continuation-token']);
    } catch (error) {
      const malformed = error instanceof URIError;
      reply = errorReply(
        malformed ? 400 : 500,
        malformed ? 'Malformed URL' : 'Something went wrong while processing your request',
      );
    }
    const payload = reply.body === undefined ? '' : JSON.stringify(reply.body);
    res.writeHead(reply.status, {
      ...(payload ? { 'Content-Type': 'application/json; charset=utf-8' } : {}),
      ...reply.headers,
    });
    res.end(payload);
    return Promise.resolve(true);
  }

  private route(request: ApiRequest, host: string | undefined, token: string | string[] | undefined): Reply {
    const [controller, id, operation, eventName] = request.segments;
    const { method } = request;
    const origin = host ? `http://${host}` : this.baseUrl;
    if (controller === 'orchestrators' && id && !eventName && method === 'POST') {
      return this.startNew(request, id, operation, origin);
    }
    if (controller !== 'instances') return { status: 404 };
    if (!id) {
      if (method === 'GET') return this.query(request.url, typeof token === 'string' ? token : undefined);
      if (method === 'DELETE') return this.purgeBy(request.url);
      return { status: 404 };
    }
    const instance = this.engine.get(id);
    if (!operation) {
      if (method === 'GET') return this.getStatus(request.url, instance);
      if (method === 'DELETE') return this.purge(id, instance);
      return { status: 404 };
    }
    if (method !== 'POST') return { status: 404 };
    switch (operation.toLowerCase()) {
      case 'raiseevent':
        return eventName ? this.raiseEvent(request, instance, eventName) : { status: 404 };
      case 'terminate':
        return this.terminate(request.url, instance);
      case 'rewind':
        if (!instance) return errorReply(404, `No orchestration with instance ID "${id}" found.`);
        if (instance.status !== 'Failed') {
          return errorReply(
            412,
            `This orchestration has status ${instance.status}, but only orchestrations in the "Failed" state can be rewound.`,
          );
        }
        return errorReply(501, 'Rewind is not supported by the underlying storage provider.');
      case 'suspend':
      case 'resume':
      case 'restart':
        return errorReply(501, `The local durable engine does not support '${operation}'.`);
      default:
        return { status: 404 };
    }
  }

  private startNew(
    request: ApiRequest,
    name: string,
    requestedId: string | undefined,
    origin: string,
  ): Reply {
    const input = readJson(request.body);
    if (input === 'invalid') return errorReply(400, 'Invalid JSON content');
    if (!this.engine.hasFunction(name, 'orchestrationTrigger')) {
      return errorReply(
        400,
        `The function '${name}' doesn't exist, is disabled, or is not an orchestrator function.`,
      );
    }
    const instanceId = requestedId ?? randomUUID().replace(/-/g, '');
    const result = this.engine.startNew(name, instanceId, input.json);
    if (!result.started) {
      return errorReply(
        409,
        `An Orchestration instance with the status ${result.existingStatus} already exists.`,
      );
    }
    const links = managementUrls(origin, this.hubName, instanceId);
    return {
      status: 202,
      body: links,
      headers: { Location: links.statusQueryGetUri, 'Retry-After': '10' },
    };
  }

  private getStatus(url: URL, instance: InstanceRecord | undefined): Reply {
    if (!instance) return { status: 404 };
    const q = url.searchParams;
    const body = statusPayload(instance, {
      showInput: readBool(q.get('showInput')) ?? true,
      showHistory: readBool(q.get('showHistory')) ?? false,
      showHistoryOutput: readBool(q.get('showHistoryOutput')) ?? false,
    });
    if (!isTerminal(instance.status)) {
      return { status: 202, body, headers: { Location: url.href, 'Retry-After': '5' } };
    }
    const failWith500 = instance.status === 'Failed' && readBool(q.get('returnInternalServerErrorOnFailure'));
    return { status: failWith500 ? 500 : 200, body };
  }

  private query(url: URL, continuationToken: string | undefined): Reply {
    const q = url.searchParams;
    const matching = this.filter(url).sort(
      (a, b) => a.createdAt - b.createdAt || a.instanceId.localeCompare(b.instanceId),
    );
    const prefix = q.get('instanceIdPrefix');
    const selected = prefix ? matching.filter((i) => i.instanceId.startsWith(prefix)) : matching;
    const offset = continuationToken
      ? Number(Buffer.from(continuationToken, 'base64url').toString()) || 0
      : 0;
    const top = Number(q.get('top'));
    const pageSize = Number.isInteger(top) && top > 0 ? top : 100;
    const page = selected.slice(offset, offset + pageSize);
    const showInput = readBool(q.get('showInput')) ?? true;
    const next =
      offset + pageSize < selected.length ? Buffer.from(String(offset + pageSize)).toString('base64url') : '';
    return {
      status: 200,
      body: page.map((i) => statusPayload(i, { showInput, showHistory: false, showHistoryOutput: false })),
      headers: next ? { 'x-ms-continuation-token': next } : {},
    };
  }

  private purge(instanceId: string, instance: InstanceRecord | undefined): Reply {
    if (!instance) return { status: 404 };
    if (!isTerminal(instance.status)) {
      return errorReply(
        412,
        `Only orchestrations in a terminal state can be purged, but the orchestration with instance ID ${instanceId} has status ${instance.status}`,
      );
    }
    this.engine.purge(instance);
    return { status: 200, body: { instancesDeleted: 1 } };
  }

  private purgeBy(url: URL): Reply {
    if (readDate(url.searchParams.get('createdTimeFrom')) === undefined) {
      return errorReply(400, "Please provide value for 'createdTimeFrom' parameter.");
    }
    const purged = this.filter(url).filter((i) => isTerminal(i.status));
    for (const instance of purged) this.engine.purge(instance);
    if (purged.length === 0) return { status: 404 };
    return { status: 200, body: { instancesDeleted: purged.length } };
  }

  private raiseEvent(request: ApiRequest, instance: InstanceRecord | undefined, eventName: string): Reply {
    if (!instance) return { status: 404 };
    if (isTerminal(instance.status)) return { status: 410 };
    if (!request.contentType.toLowerCase().startsWith('application/json')) {
      return errorReply(400, 'Only application/json request content is supported');
    }
    const input = readJson(request.body);
    if (input === 'invalid') return errorReply(400, 'Invalid JSON content');
    this.engine.raiseEvent(instance, eventName, input.json);
    return { status: 202 };
  }

  private terminate(url: URL, instance: InstanceRecord | undefined): Reply {
    if (!instance) return { status: 404 };
    if (isTerminal(instance.status)) return { status: 410 };
    this.engine.terminate(instance, url.searchParams.get('reason') ?? '');
    return { status: 202 };
  }

  /** Instances matching runtimeStatus / createdTimeFrom / createdTimeTo. */
  private filter(url: URL): InstanceRecord[] {
    const q = url.searchParams;
    const statuses = (q.get('runtimeStatus') ?? '')
      .split(',')
      .filter((s): s is RuntimeStatus => (runtimeStatuses as readonly string[]).includes(s));
    const from = readDate(q.get('createdTimeFrom')) ?? Number.NEGATIVE_INFINITY;
    const to = readDate(q.get('createdTimeTo')) ?? Number.POSITIVE_INFINITY;
    return this.engine
      .list()
      .filter((i) => statuses.length === 0 || statuses.includes(i.status))
      .filter((i) => i.createdAt >= from && i.createdAt <= to);
  }
}

function statusPayload(
  instance: InstanceRecord,
  show: { showInput: boolean; showHistory: boolean; showHistoryOutput: boolean },
): Record<string, unknown> {
  return {
    name: instance.name,
    instanceId: instance.instanceId,
    runtimeStatus: instance.status,
    input: show.showInput ? parseOrNull(instance.input) : null,
    customStatus: parseOrNull(instance.customStatus),
    output: parseOrNull(instance.output),
    createdTime: toSeconds(instance.createdAt),
    lastUpdatedTime: toSeconds(instance.lastUpdatedAt),
    ...(show.showHistory ? { historyEvents: historyView(instance, show.showHistoryOutput) } : {}),
  };
}

/** The history as the status API shows it: no replay bookkeeping events, payloads only on request. */
function historyView(instance: InstanceRecord, withOutput: boolean): Record<string, unknown>[] {
  const hidden: number[] = [
    EventType.OrchestratorStarted,
    EventType.OrchestratorCompleted,
    EventType.TaskScheduled,
  ];
  return instance.history
    .filter((e) => !hidden.includes(e.EventType))
    .map((e) => ({
      EventType: eventTypeName(e.EventType),
      Timestamp: e.Timestamp,
      ...(e.Name !== undefined ? { Name: e.Name } : {}),
      ...(e.FireAt !== undefined ? { FireAt: e.FireAt } : {}),
      ...(e.Reason !== undefined ? { Reason: e.Reason } : {}),
      ...(withOutput && e.Input !== undefined ? { Input: parseOrNull(e.Input) } : {}),
      ...(withOutput && e.Result !== undefined ? { Result: parseOrNull(e.Result) } : {}),
    }));
}

function errorReply(status: number, message: string): Reply {
  return { status, body: { Message: message } };
}

/** JSON text of the body (undefined when empty), or `invalid` when it is not JSON. */
function readJson(body: Buffer): { json: string | undefined } | 'invalid' {
  const text = body.toString('utf8').trim();
  if (!text) return { json: undefined };
  try {
    JSON.parse(text);
    return { json: text };
  } catch {
    return 'invalid';
  }
}

function readBool(value: string | null): boolean | undefined {
  if (value === null) return undefined;
  const lower = value.toLowerCase();
  return lower === 'true' ? true : lower === 'false' ? false : undefined;
}

function readDate(value: string | null): number | undefined {
  if (!value) return undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : at;
}

function parseOrNull(json: string | undefined): unknown {
  return json === undefined ? null : (JSON.parse(json) as unknown);
}

/** .NET `ToString("s") + "Z"`: seconds precision. */
function toSeconds(at: number): string {
  return new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
