import { z } from 'zod';

/** A backend password or appSecret as the renderer sends it once (never stored in settings, never sent back). */
export const backendSecretSchema = z
  .string()
  .min(1)
  .max(1024)
  .refine((s) => ![...s].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f), 'must not contain control characters');

