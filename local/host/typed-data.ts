/** Values to and from the worker's `TypedData`, the way the Functions host encodes them. */
import type { RpcTypedData } from './rpc-types';

/**
 * A value the host hands to the worker: strings as `string`, bytes as `bytes`, whole numbers as
 * `int`, anything else as `json` (which the library parses back unchanged).
 */
export function toTypedData(value: unknown): RpcTypedData | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return { string: value };
  if (Buffer.isBuffer(value)) return { bytes: value };
  if (ArrayBuffer.isView(value))
    return { bytes: new Uint8Array(value.buffer, value.byteOffset, value.byteLength) };
  return { json: JSON.stringify(value) };
}

/** A trigger or input value for the invoker: always JSON unless it is bytes, so strings stay strings. */
export function toJsonTypedData(value: unknown): RpcTypedData | undefined {
  if (value === undefined) return undefined;
  if (Buffer.isBuffer(value) || ArrayBuffer.isView(value)) return toTypedData(value);
  return { json: JSON.stringify(value) };
}

function isDefined<T>(value: T | null | undefined): value is T {
  return value !== null && value !== undefined;
}

/** Decodes what the worker returned (`returnValue` / `outputData`). */
export function fromTypedData(data: RpcTypedData | null | undefined): unknown {
  if (!data) return undefined;
  if (isDefined(data.json)) return JSON.parse(data.json) as unknown;
  if (isDefined(data.string)) return data.string;
  if (isDefined(data.bytes)) return Buffer.from(data.bytes);
  if (isDefined(data.stream)) return Buffer.from(data.stream);
  if (isDefined(data.int)) return Number(data.int);
  if (isDefined(data.double)) return data.double;
  if (isDefined(data.http)) return data.http;
  if (isDefined(data.collectionString?.string)) return data.collectionString.string;
  if (isDefined(data.collectionBytes?.bytes)) return data.collectionBytes.bytes.map((b) => Buffer.from(b));
  return undefined;
}

/** Bytes of a typed-data body (an HTTP response body, a message to send). */
export function typedDataToBuffer(data: RpcTypedData | null | undefined): Buffer {
  if (!data) return Buffer.alloc(0);
  if (isDefined(data.bytes)) return Buffer.from(data.bytes);
  if (isDefined(data.stream)) return Buffer.from(data.stream);
  if (isDefined(data.string)) return Buffer.from(data.string, 'utf8');
  if (isDefined(data.json)) return Buffer.from(data.json, 'utf8');
  if (isDefined(data.int)) return Buffer.from(String(data.int));
  if (isDefined(data.double)) return Buffer.from(String(data.double));
  return Buffer.alloc(0);
}
