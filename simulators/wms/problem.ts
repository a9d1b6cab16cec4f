import type { Response } from 'express';
import type { FieldError } from './wms-wire.ts';

/**
 * RFC 9457 problem+json answers of the WMS simulator. `type` is a URN per stable error code
 * (`urn:fleetbridge:wms-sim:problem:<code>`).
 */
export interface Problem {
  readonly status: number;
  /** Stable error code, e.g. `no-space`. */
  readonly code: string;
  readonly title: string;
  readonly detail?: string;
  readonly errors?: readonly FieldError[];
}

export function problemType(code: string): string {
  return `urn:fleetbridge:wms-sim:problem:${code}`;
}

/** Sends `problem` as `application/problem+json`, with optional extra headers (e.g. `Retry-After`). */
export function sendProblem(
  res: Response,
  problem: Problem,
  headers: Readonly<Record<string, string>> = {},
): void {
  const { code, ...rest } = problem;
  res
    .status(problem.status)
    .set(headers)
    .type('application/problem+json')
    .send(JSON.stringify({ type: problemType(code), ...rest }));
}
