import { createHmac } from 'node:crypto';

/**
 * Standard Webhooks signing (contract, "Outbound"): `v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`
 * with the key being the base64 part of `whsec_<base64>`; one signature per active secret, space-separated.
 */
export function signWebhook(
  secrets: readonly string[],
  id: string,
  timestampS: number,
  body: string,
): string {
  return secrets
    .map((secret) => {
      const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
      const mac = createHmac('sha256', key).update(`${id}.${timestampS}.${body}`).digest('base64');
      return `v1,${mac}`;
    })
    .join(' ');
}
