import { z } from 'zod';
import type { Role } from '../config.ts';
import type { LiveClientMessage } from '../http/live-contract.ts';

/** Roles that may watch the fleet on `/v1/live` (contract: supervisor or admin). */
export const WATCH_ROLES: readonly Role[] = ['supervisor', 'admin'];

const authMessage = z.strictObject({ type: z.literal('auth'), key: z.string().min(1).max(512) });

/** A client's message from its text, or undefined when it is not JSON or not a message of the contract. */
export function parseLiveClientMessage(text: string): LiveClientMessage | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = authMessage.safeParse(data);
  return parsed.success ? parsed.data : undefined;
}
