import path from 'node:path';
import type { ConsoleHandlers } from '../../shared/contract/consoleApi';
import { ConsoleError } from '../../shared/contract/rpc';
import {
  alarmInputSecretKey,
  type Alarm,
  type AlarmEvent,
  type AlarmInputConfig,
  type AlarmOptions,
  type AlarmStepDetail,
  type SaveAlarmInput,
  type SeatRole,
} from '../../shared/domain/alarm';
import type { Channel, Mine } from '../../shared/domain/catalogue';
import type { WallCommand } from '../../shared/domain/wall';
import { Emitter, type Disposable } from '../../shared/lifecycle';
import type { AuditLog } from '../services/auditLog';
import type { Logger } from '../services/logger';
import type { SecretStore } from '../services/secretStore';
import type { SettingsService } from '../services/settingsService';
import type { Db } from '../services/store';
import { alarmAppliers } from '../sync/alarmRecords';
import { NO_SYNC, type RecordApplier, type RecordSink } from '../sync/recordSink';
import { AlarmInputs } from './alarmInputs';
import { AlarmIntake } from './alarmIntake';
import { AlarmPictures } from './alarmPictures';
import { AlarmStore } from './alarmStore';
import { ChannelLinker } from './channelLinker';

export type AlarmRequestName =
  | 'getAlarmStatus'
  | 'saveAlarmInput'
  | 'removeAlarmInput'
  | 'saveAlarmOptions'
  | 'listAlarms'
  | 'getAlarm'
  | 'readAlarmPicture'
  | 'acceptAlarm'
  | 'addAlarmStep'
  | 'saveSeatRole'
  | 'dismissAlarm';

export type AlarmService = {
  handlers: Pick<ConsoleHandlers, AlarmRequestName>;
  /** An alarm arrived (new) or was handled, for the renderer. */
  onAlarm: (listener: (event: AlarmEvent) => void) => Disposable;
  /** The inputs' state changed (receiver listening, broker connected …). */
  onStatus: AlarmInputs['onStatus'];
  /** Apply other seats' alarms and handling steps (register them with seat sync). */
  appliers: { alarm: RecordApplier; 'alarm-step': RecordApplier };
  /** Starts the receiver and the subscriptions the settings name. */
  start(): Promise<void>;
  dispose(): Promise<void>;
};

/**
 * The Node side of alarms (警情): the store, the inputs (webhook receiver, MQTT subscriptions) kept in line with the
 * settings, the wall linkage (a serious alarm opens its channel on the configured tile, without touching the
 * operator's window), and the requests of the alarm page.
 */
export function createAlarmService(deps: {
  db: Db;
  dataDir: string;
  settings: SettingsService;
  secrets: SecretStore;
  catalogue: () => { channels: readonly Channel[]; mines: readonly Mine[] };
  wallCommand: (command: WallCommand) => unknown;
  audit: AuditLog;
  actor: string;
  log: Logger;
  /** Where new alarms and handling steps go for the other seats (seat sync's outbox); none: not synced. */
  sync?: RecordSink;
  /** The running video backend of a settings id (WVP alarm polls, Hikvision event subscriptions). */
  backend?: (backendId: string) => unknown;
}): AlarmService {
  const { settings, secrets, audit, actor } = deps;
  const log = deps.log.child({ part: 'alarms' });
  const pictures = new AlarmPictures(path.join(deps.dataDir, 'media'));
  const store = new AlarmStore(deps.db, Date.now, { sink: deps.sync ?? NO_SYNC, readPicture: (rel) => pictures.read(rel) }, () => settings.get().seatRole);
  const intake = new AlarmIntake({
    store,
    pictures,
    linker: new ChannelLinker(deps.catalogue),
    warn: (fields, message) => log.warn(fields, message),
  });
  const inputs = new AlarmInputs({ intake, secret: (id) => secrets.get(alarmInputSecretKey(id)), dataDir: deps.dataDir, log, backend: deps.backend });
  const changed = new Emitter<AlarmEvent>();
  const announce = (event: AlarmEvent): void => {
    try {
      changed.fire(event);
    } catch (err) {
      log.error({ err }, 'alarm listener failed');
    }
  };
  // The options as of the last settings change: read per alarm, so not parsed from SQLite per alarm.
  let options = settings.get().alarmOptions;
  const newAlarms = intake.onNewAlarm((alarm) => {
    announce({ change: 'new', alarm });
    linkToWall(alarm, options);
  });
  const appliers = alarmAppliers({ store, pictures, announce, warn: (fields, message) => log.warn(fields, message) });
  const settingsChanged = settings.onDidChange((s) => {
    options = s.alarmOptions;
    void inputs.configure(s.alarmInputs, s.alarmOptions.receiver);
  });

  /** A serious linked alarm opens its channel on the configured wall tile (the wall windows follow the state). */
  function linkToWall(alarm: Alarm, options: AlarmOptions): void {
    if (!options.wallTarget || !alarm.channelId || alarm.level < options.wallMinLevel) return;
    try {
      deps.wallCommand({ op: 'open', monitor: options.wallTarget.monitor, tile: options.wallTarget.tile, channelId: alarm.channelId });
      audit.record('system', 'alarm.wall', alarm.id, { channelId: alarm.channelId, ...options.wallTarget });
    } catch (err) {
      log.warn({ alarmId: alarm.id, err: err instanceof Error ? err.message : String(err) }, 'alarm could not open its channel on the wall');
    }
  }

  const handlers: AlarmService['handlers'] = {
    getAlarmStatus: async () => inputs.status(),
    saveAlarmInput: async (input: SaveAlarmInput) => {
      const { secret, ...config } = input;
      const key = alarmInputSecretKey(config.id);
      // A webhook without a token accepts any push: allowed (loopback boxes), but the MQTT broker's password and a
      // replaced token are written before the settings that start the input.
      if (secret) secrets.set(key, secret);
      else if (secret === null) secrets.delete(key);
      const next = settings.saveAlarmInput(config as AlarmInputConfig);
      audit.record(actor, 'alarm.input.save', config.id, { kind: config.kind, enabled: config.enabled, secretChanged: secret !== undefined });
      await inputs.idle();
      return next;
    },
    removeAlarmInput: async ({ id }) => {
      const next = settings.removeAlarmInput(id);
      secrets.delete(alarmInputSecretKey(id));
      audit.record(actor, 'alarm.input.remove', id);
      await inputs.idle();
      return next;
    },
    saveAlarmOptions: async (options) => {
      const next = settings.update({ alarmOptions: options });
      audit.record(actor, 'alarm.options.save', null, { receiver: `${options.receiver.host}:${options.receiver.port}` });
      await inputs.idle();
      return next;
    },
    listAlarms: async (query) => store.list(query),
    getAlarm: async ({ id }) => ({ alarm: store.get(id), steps: store.steps(id) }),
    readAlarmPicture: async ({ id }) => {
      const rel = store.picturePath(id);
      if (!rel) throw new ConsoleError('not-found', '该报警没有图片');
      const alarm = store.get(id);
      return { mimeType: alarm.picture?.mimeType ?? 'image/jpeg', dataBase64: pictures.read(rel).toString('base64') };
    },
    acceptAlarm: async ({ id }) => {
      const alarm = store.accept(id, actor);
      audit.record(actor, 'alarm.accept', id);
      announce({ change: 'handled', alarm });
      return alarm;
    },
    saveSeatRole: async ({ role }) => {
      const next = settings.update({ seatRole: role });
      audit.record(actor, 'seat.role', null, { role });
      return next;
    },
    addAlarmStep: async (input) => {
      const role = settings.get().seatRole;
      const need = STEP_ROLE[input.action];
      if (role !== need) throw new ConsoleError('conflict', `${STEP_NAME[input.action]}需由${ROLE_NAME[need]}席位进行（本席位为${ROLE_NAME[role]}）`);
      const alarm =
        input.action === 'receipt'
          ? store.addStep(input.id, 'receipt', actor, role, input.text ?? null, null)
          : input.action === 'review'
            ? store.addStep(input.id, 'review', actor, role, input.text ?? null, { verdict: input.verdict })
            : store.addStep(input.id, 'feedback', actor, role, null, feedbackDetail(input.plan, input.result));
      audit.record(actor, `alarm.${input.action}`, input.id);
      announce({ change: 'handled', alarm });
      return { alarm, steps: store.steps(input.id) };
    },
    dismissAlarm: async ({ id, reason }) => {
      const alarm = store.dismiss(id, actor, reason);
      audit.record(actor, 'alarm.dismiss', id, { reason: alarm.dismissReason });
      announce({ change: 'handled', alarm });
      return alarm;
    },
  };

  return {
    handlers,
    onAlarm: changed.event,
    onStatus: inputs.onStatus,
    appliers,
    start: async () => {
      const current = settings.get();
      await inputs.configure(current.alarmInputs, current.alarmOptions.receiver);
    },
    dispose: async () => {
      newAlarms.dispose();
      settingsChanged.dispose();
      changed.dispose();
      await inputs.dispose();
    },
  };
}

/** Which seat takes which workflow step: the regulator confirms and reviews, the mine reports its disposal. */
const STEP_ROLE = { receipt: 'government', review: 'government', feedback: 'enterprise' } as const satisfies Record<string, SeatRole>;
const STEP_NAME = { receipt: '确认收到', review: '审核', feedback: '处置反馈' } as const;
const ROLE_NAME: Record<SeatRole, string> = { government: '政府（监管）', enterprise: '企业' };

function feedbackDetail(plan: string, result: string): AlarmStepDetail {
  if (!plan && !result) throw new ConsoleError('bad-request', '处置反馈需要填写处置方案或处置结果');
  return { plan, result };
}
