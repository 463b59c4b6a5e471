import { z } from 'zod';
import { alarmSchema, alarmStepActionSchema, alarmStepDetailSchema, MAX_ALARM_PICTURE_BYTES, seatRoleSchema, type AlarmEvent } from '../../shared/domain/alarm';
import { PictureRefused, type AlarmPictures, type StoredPicture } from '../alarms/alarmPictures';
import type { AlarmStore } from '../alarms/alarmStore';
import type { RecordApplier, SyncKind } from './recordSink';

const idSchema = z.string().min(1).max(100);

/** The 'alarm' record: the alarm as the seat where it arrived stored it, and its picture (base64, ≤ 4 MB). */
export const alarmRecordSchema = z
  .object({
    alarm: alarmSchema,
    picture: z
      .object({ mimeType: z.string().max(64), dataBase64: z.string().max(Math.ceil((MAX_ALARM_PICTURE_BYTES * 4) / 3) + 4) })
      .strict()
      .nullable(),
  })
  .strict();

/** The 'alarm-step' record: one handling step (its id is the record's key). */
export const alarmStepRecordSchema = z
  .object({
    stepId: idSchema,
    alarmId: idSchema,
    action: alarmStepActionSchema,
    actor: z.string().min(1).max(64),
    at: z.number().int().positive(),
    reason: z.string().max(200).nullable(),
    seatId: z.string().min(1).max(64),
    role: seatRoleSchema.nullable().optional(),
    detail: alarmStepDetailSchema.nullable().optional(),
  })
  .strict();

/**
 * The appliers of the alarm records another seat sends: its alarms (stored with their picture, or linked to the same
 * alarm stored here) and its handling steps (appended once; the state derived from all steps). Each announces the
 * change as a local one is, once the sync's transaction committed.
 */
export function alarmAppliers(deps: {
  store: AlarmStore;
  pictures: AlarmPictures;
  announce: (event: AlarmEvent) => void;
  warn: (fields: Record<string, unknown>, message: string) => void;
}): Record<Extract<SyncKind, 'alarm' | 'alarm-step'>, RecordApplier> {
  const { store, pictures, announce } = deps;
  return {
    alarm: (record) => {
      const { alarm, picture } = alarmRecordSchema.parse(record.payload);
      if (alarm.id !== record.key) throw new Error('the record key is not the alarm id');
      let stored: StoredPicture | null = null;
      if (picture) {
        try {
          stored = pictures.store(Buffer.from(picture.dataBase64, 'base64'), alarm.kindName ?? alarm.kind, alarm.receivedAt);
        } catch (err) {
          // As with a push: a picture that is not one never loses the alarm. A disk that cannot take it (full, gone)
          // is a failure to store: the record is not acknowledged and comes again.
          if (!(err instanceof PictureRefused)) throw err;
          deps.warn({ alarmId: alarm.id, reason: err.message }, 'synced alarm kept without its picture');
        }
      }
      let outcome: ReturnType<AlarmStore['applyRemoteAlarm']>;
      try {
        outcome = store.applyRemoteAlarm(alarm, stored);
      } catch (err) {
        if (stored) pictures.discard(stored.path);
        throw err;
      }
      if (outcome.outcome !== 'new' && stored) pictures.discard(stored.path);
      if (outcome.outcome === 'present') return undefined;
      const change = outcome.outcome === 'new' ? 'new' : 'handled';
      return () => announce({ change, alarm: outcome.alarm });
    },
    'alarm-step': (record) => {
      const step = alarmStepRecordSchema.parse(record.payload);
      if (step.stepId !== record.key || step.seatId !== record.seatId) throw new Error('the record key or seat does not match the step');
      const alarm = store.applyRemoteStep(step);
      return alarm ? () => announce({ change: 'handled', alarm }) : undefined;
    },
  };
}
