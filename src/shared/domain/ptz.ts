import { z } from 'zod';

/**
 * Pan-tilt-zoom commands in the console's own vocabulary; each connector maps them to its protocol
 * (the lab camera speaks Hikvision ISAPI, WVP its front-end command API, artemis its controlling API).
 * Velocities are -1..1 (sign is direction, magnitude is speed); the camera moves until `stop`.
 */
const velocity = z.number().min(-1).max(1);
export const presetNumberSchema = z.number().int().min(1).max(255);

export const ptzCommandSchema = z.discriminatedUnion('op', [
  /** Continuous move: pan right +, tilt up +, zoom in +. */
  z.object({ op: z.literal('move'), pan: velocity, tilt: velocity, zoom: velocity }).strict(),
  z.object({ op: z.literal('stop') }).strict(),
  /** Focus near (-) / far (+), 0 stops; iris close (-) / open (+), 0 stops. */
  z.object({ op: z.literal('focus'), speed: velocity }).strict(),
  z.object({ op: z.literal('iris'), speed: velocity }).strict(),
  z.object({ op: z.literal('gotoPreset'), preset: presetNumberSchema }).strict(),
  z.object({ op: z.literal('setPreset'), preset: presetNumberSchema, name: z.string().trim().min(1).max(32) }).strict(),
  z.object({ op: z.literal('removePreset'), preset: presetNumberSchema }).strict(),
]);
export type PtzCommand = z.infer<typeof ptzCommandSchema>;

export const ptzPresetSchema = z.object({ preset: presetNumberSchema, name: z.string().max(64) }).strict();
export type PtzPreset = z.infer<typeof ptzPresetSchema>;
