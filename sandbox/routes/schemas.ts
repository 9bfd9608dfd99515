import { z } from 'zod';

export const id = z.string().trim().min(1).max(200);
export const text = z.string().trim().min(1).max(5_000);
