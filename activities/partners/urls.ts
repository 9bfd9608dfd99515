/** Where each partner lives: its own URL variable, or the sandbox URL plus the partner's prefix (resolved in config/env.ts). */

export interface PartnerUrls {
  merchant: string;
  courier: string;
  payment: string;
  notification: string;
  erp: string;
  oncall: string;
  /** The warehouse (monthly statements). */
  warehouse: string;
  repair: string;
}

const PARTNERS: ReadonlyArray<{ key: keyof PartnerUrls; envVar: string; prefix: string }> = [
  { key: 'merchant', envVar: 'MERCHANT_API_URL', prefix: '/merchant' },
  { key: 'courier', envVar: 'COURIER_API_URL', prefix: '/courier' },
  { key: 'payment', envVar: 'PAYMENT_API_URL', prefix: '/payment' },
  { key: 'notification', envVar: 'NOTIFICATION_API_URL', prefix: '/notifications' },
  { key: 'erp', envVar: 'ERP_API_URL', prefix: '/erp' },
  { key: 'oncall', envVar: 'ONCALL_API_URL', prefix: '/oncall' },
  { key: 'warehouse', envVar: 'WAREHOUSE_API_URL', prefix: '/warehouse' },
  { key: 'repair', envVar: 'REPAIR_API_URL', prefix: '/repair' },
];

/** Every partner on `sandboxUrl`, except those whose own variable (MERCHANT_API_URL … WAREHOUSE_API_URL, REPAIR_API_URL) is set in `env`. */
export function partnerUrlsFor(sandboxUrl: string, env: Record<string, string | undefined> = {}): PartnerUrls {
  const sandbox = trimSlash(sandboxUrl);
  const urls = {} as PartnerUrls;
  for (const { key, envVar, prefix } of PARTNERS) {
    const own = env[envVar]?.trim();
    urls[key] = trimSlash(own ? own : `${sandbox}${prefix}`);
  }
  return urls;
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
