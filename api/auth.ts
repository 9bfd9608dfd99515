import crypto from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { ApiKeyEntry, ApiRole } from '../config/api-keys';
import type { Actor } from '../workflows/domain/parties';
import { DEFAULT_COMPANY_IDS, isCompanyKind } from '../workflows/domain/partner-companies';
import { ProblemError } from './problem';

export interface Caller {
  id: string;
  role: ApiRole;
  merchantId?: string;
  /** Couriers, warehouses and repair providers: the company the key acts for (the kind's default company if unnamed). */
  companyId?: string;
}

const callers = new WeakMap<Request, Caller>();

function digest(key: string): string {
  return crypto.createHash('sha256').update(key).digest('hex');
}

/** Resolves `Authorization: Bearer <key>` or `X-API-Key: <key>` to a caller; keys are held only as digests. */
export function authenticate(keys: readonly ApiKeyEntry[]): RequestHandler {
  const byDigest = new Map(keys.map((k) => [digest(k.key), callerOfKey(k)]));
  return (req: Request, _res: Response, next: NextFunction) => {
    const header = req.get('authorization');
    const bearer = header && /^Bearer\s+(.+)$/i.exec(header.trim())?.[1];
    const key = bearer || req.get('x-api-key');
    if (!key) {
      next(new ProblemError({ status: 401, code: 'unauthenticated', title: 'API key required', detail: 'send Authorization: Bearer <key> or X-API-Key' }));
      return;
    }
    const caller = byDigest.get(digest(key));
    if (!caller) {
      next(new ProblemError({ status: 401, code: 'unauthenticated', title: 'Unknown API key' }));
      return;
    }
    callers.set(req, caller);
    next();
  };
}

function callerOfKey(k: ApiKeyEntry): Caller {
  const companyId = isCompanyKind(k.role) ? (k.companyId ?? DEFAULT_COMPANY_IDS[k.role]) : undefined;
  return { id: k.id, role: k.role, ...(k.merchantId && { merchantId: k.merchantId }), ...(companyId && { companyId }) };
}

export function callerOf(req: Request): Caller {
  const caller = callers.get(req);
  if (!caller) throw new ProblemError({ status: 401, code: 'unauthenticated', title: 'API key required' });
  return caller;
}

/** 403 unless the caller's role may use the route at all. */
export function allow(...roles: ApiRole[]): RequestHandler {
  return (req, _res, next) => {
    const caller = callerOf(req);
    if (!roles.includes(caller.role)) {
      next(new ProblemError({ status: 403, code: 'forbidden', title: 'Forbidden', detail: `role ${caller.role} may not use ${req.method} ${req.route?.path ?? req.path}` }));
      return;
    }
    next();
  };
}

export function actorOf(caller: Caller): Actor {
  return { id: caller.id, role: caller.role, ...(caller.merchantId && { merchantId: caller.merchantId }), ...(caller.companyId && { companyId: caller.companyId }) };
}

/** Roles that see customers' phone numbers and e-mail addresses unmasked. */
const CONTACT_ROLES: readonly ApiRole[] = ['agent', 'senior_agent', 'supervisor', 'admin', 'customer'];

export function seesContact(caller: Caller): boolean {
  return CONTACT_ROLES.includes(caller.role);
}

export function maskPhone(phone: string): string {
  const digits = phone.replace(/\s/g, '');
  if (digits.length <= 4) return '****';
  return `${digits.slice(0, Math.min(3, digits.length - 4))}****${digits.slice(-4)}`;
}

export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${email[0]}***${email.slice(at)}`;
}
