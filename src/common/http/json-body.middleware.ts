import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { json } from 'express';

/** Bytes of JSON one application record takes at most, with field names and punctuation. */
const BYTES_PER_RECORD = 320;
const ENVELOPE_BYTES = 1_048_576;

/** The JSON body limit that fits MAX_BATCH_SIZE records (a 50,000-record batch is ~10 MB). */
export function bodyLimitBytes(maxBatchSize: number): number {
  return maxBatchSize * BYTES_PER_RECORD + ENVELOPE_BYTES;
}

/**
 * express.json with the batch-sized limit, answering an oversized or malformed body with a JSON
 * error (413 / 400) in the GraphQL error shape instead of express's HTML page.
 */
export function jsonBody(limitBytes: number, maxBatchSize: number): RequestHandler {
  const parse = json({ limit: limitBytes });
  return (request: Request, response: Response, next: NextFunction) => {
    parse(request, response, (error?: unknown) => {
      if (!error) return next();
      const { type, status } = error as { type?: string; status?: number };
      if (type === 'entity.too.large') {
        return response.status(413).json({
          errors: [
            {
              message: `Request body exceeds ${limitBytes} bytes, the limit sized for MAX_BATCH_SIZE=${maxBatchSize} records; split the batch`,
              extensions: { code: 'PAYLOAD_TOO_LARGE', limitBytes },
            },
          ],
        });
      }
      return response.status(status ?? 400).json({
        errors: [{ message: `Invalid JSON body: ${(error as Error).message}`, extensions: { code: 'BAD_REQUEST' } }],
      });
    });
  };
}
