import type { NextFunction, Request, Response } from 'express';
import { randomUUID } from 'node:crypto';

const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * Gives every HTTP request an id (the caller's `x-request-id` when it is a safe token, else a new
 * UUID), echoed in the response and recorded in audit rows, so a call can be traced end to end.
 */
export function requestIds(req: Request & { requestId?: string }, res: Response, next: NextFunction): void {
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && SAFE_REQUEST_ID.test(given) ? given : randomUUID();
  req.requestId = id;
  res.setHeader('x-request-id', id);
  next();
}
