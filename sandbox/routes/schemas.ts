import { z } from 'zod';

export const id = z.string().trim().min(1).max(200);
export const text = z.string().trim().min(1).max(5_000);
/** The partner company a call is for; at a company's own endpoint (/companies/<companyId>/…) the path names it. */
export const companyId = id.optional();
