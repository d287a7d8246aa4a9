/**
 * Reading bytes from an untrusted peer without trusting its size: the webhook request body and the
 * downloaded signing certificate. Content-Length is checked first (no bytes read at all), and a
 * streamed body is cancelled as soon as it passes the cap, so memory never holds more than the cap plus
 * one chunk.
 */

export class BodyTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`body larger than ${maxBytes} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

/** Whether a Content-Length header already announces more than `maxBytes` (absent or junk: no). */
export function declaresMoreThan(contentLength: string | null | undefined, maxBytes: number): boolean {
  if (contentLength === null || contentLength === undefined || !/^\s*\d+\s*$/.test(contentLength))
    return false;
  return Number(contentLength) > maxBytes;
}

/** The whole stream, or BodyTooLargeError once it passes `maxBytes` (the stream is then cancelled). */
export async function readCapped(
  stream: ReadableStream<Uint8Array> | null | undefined,
  maxBytes: number,
): Promise<Uint8Array> {
  if (!stream) return new Uint8Array(0);
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel();
        throw new BodyTooLargeError(maxBytes);
      }
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  return new Uint8Array(Buffer.concat(chunks, total));
}
