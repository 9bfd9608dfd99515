/** Where each partner lives. Every URL can be set on its own; otherwise it is the sandbox URL plus the partner's prefix. */

export interface PartnerUrls {
  merchant: string;
  courier: string;
  payment: string;
  notification: string;
  erp: string;
  oncall: string;
}

export const DEFAULT_PARTNER_SANDBOX_URL = 'http://127.0.0.1:4100';

const PARTNERS: ReadonlyArray<{ key: keyof PartnerUrls; envVar: string; prefix: string }> = [
  { key: 'merchant', envVar: 'MERCHANT_API_URL', prefix: '/merchant' },
  { key: 'courier', envVar: 'COURIER_API_URL', prefix: '/courier' },
  { key: 'payment', envVar: 'PAYMENT_API_URL', prefix: '/payment' },
  { key: 'notification', envVar: 'NOTIFICATION_API_URL', prefix: '/notifications' },
  { key: 'erp', envVar: 'ERP_API_URL', prefix: '/erp' },
  { key: 'oncall', envVar: 'ONCALL_API_URL', prefix: '/oncall' },
];

/** Reads MERCHANT_API_URL … ONCALL_API_URL; unset or empty ones default to `${PARTNER_SANDBOX_URL}/<prefix>`. */
export function partnerUrlsFromEnv(env: Record<string, string | undefined> = process.env): PartnerUrls {
  const sandbox = trimSlash(nonEmpty(env.PARTNER_SANDBOX_URL) ?? DEFAULT_PARTNER_SANDBOX_URL);
  return partnerUrlsFor(sandbox, (key) => nonEmpty(env[PARTNERS.find((p) => p.key === key)!.envVar]));
}

/** Every partner on one base URL (e.g. a sandbox started by a test on an ephemeral port). */
export function partnerUrlsForSandbox(sandboxUrl: string): PartnerUrls {
  return partnerUrlsFor(trimSlash(sandboxUrl), () => undefined);
}

function partnerUrlsFor(sandbox: string, override: (key: keyof PartnerUrls) => string | undefined): PartnerUrls {
  const urls = {} as PartnerUrls;
  for (const { key, prefix } of PARTNERS) urls[key] = trimSlash(override(key) ?? `${sandbox}${prefix}`);
  return urls;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== '' ? value.trim() : undefined;
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
