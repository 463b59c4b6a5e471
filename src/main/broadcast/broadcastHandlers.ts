import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { ConsoleHandlers } from '../../shared/contract/consoleApi';
import { ConsoleError } from '../../shared/contract/rpc';
import type { BroadcastClip } from '../../shared/domain/broadcast';
import { AudioRecordings } from '../services/audioRecordings';
import type { AuditLog } from '../services/auditLog';
import type { Logger } from '../services/logger';
import type { Db } from '../services/store';
import type { DirectoryStore } from '../telephony/directoryStore';
import { BroadcastLog } from './broadcastLog';
import { BroadcastSchedules } from './broadcastSchedules';
import { ClipLibrary } from './clipLibrary';
import { RtpRoutes } from './rtpRoutes';

export type BroadcastRequestName =
  | 'listBroadcastGroups'
  | 'saveBroadcastGroup'
  | 'deleteBroadcastGroup'
  | 'listClips'
  | 'synthesizeClip'
  | 'uploadClip'
  | 'readClip'
  | 'deleteClip'
  | 'startBroadcast'
  | 'reportDelivery'
  | 'finishBroadcast'
  | 'listBroadcasts'
  | 'startBroadcastRecording'
  | 'appendBroadcastRecording'
  | 'stopBroadcastRecording'
  | 'readBroadcastRecording'
  | 'listSchedules'
  | 'saveSchedule'
  | 'cancelSchedule'
  | 'listRtpRoutes'
  | 'saveRtpRoute'
  | 'deleteRtpRoute';

export type BroadcastService = {
  handlers: Pick<ConsoleHandlers, BroadcastRequestName>;
  schedules: BroadcastSchedules;
  /**
   * Refuses a directory change that would leave a broadcast group an active schedule plays to without members (the
   * group would go with its last member and the schedule would fire into nothing). `remaining`: contact ids kept.
   */
  checkDirectoryChange(remaining: (contactId: string) => boolean): void;
};

/**
 * The Node side of emergency broadcast: groups (of directory entries), clips (TTS and uploads), records with a
 * delivery per endpoint, the audio that went out, and schedules. Broadcasts and recordings a killed process left
 * open are closed here, before any request of this run.
 */
export function createBroadcastService(deps: {
  db: Db;
  dataDir: string;
  directory: DirectoryStore;
  audit: AuditLog;
  actor: string;
  log: Logger;
  /** Ids of the Janus backends in the settings now (RTP routes go through one). */
  janusBackendIds: () => string[];
}): BroadcastService {
  const { db, directory, audit, actor, log } = deps;
  const routes = new RtpRoutes(db);
  const mediaDir = path.join(deps.dataDir, 'media');
  const clips = new ClipLibrary(db, mediaDir);
  const broadcasts = new BroadcastLog(db);
  const recordings = new AudioRecordings(
    db,
    mediaDir,
    { table: 'broadcast_recordings', ownerColumn: 'broadcast_id', ownerTable: 'broadcasts', folder: 'broadcasts', noun: '广播录音' },
    (b) => String(b.group_name),
  );
  const interrupted = broadcasts.closeInterrupted();
  if (interrupted > 0) log.warn({ interrupted }, 'closed broadcasts left running by an earlier run as interrupted');
  const recovered = recordings.recoverUnfinished();
  if (recovered > 0) log.warn({ recovered }, 'closed broadcast recordings left open by an earlier run');
  const schedules = new BroadcastSchedules(db, undefined, (due) => {
    // Recorded as failed (its endpoints never reached), so 广播记录 shows the missed emergency broadcast.
    try {
      const group = directory.broadcastGroups.get(due.groupId);
      if (!group) throw new ConsoleError('not-found', `广播分组不存在: ${due.groupId}`);
      const clip = clips.get(due.clipId);
      const byId = new Map(directory.listContacts().map((c) => [c.id, c]));
      const input = { id: randomUUID(), groupId: group.id, source: { kind: 'clip' as const, clipId: clip.id, repeat: due.repeat }, scheduleId: due.scheduleId, dueAt: due.dueAt };
      broadcasts.start(input, { operator: actor, group, members: group.memberIds.flatMap((id) => byId.get(id) ?? []), clip });
      broadcasts.finish(input.id, 'failed', '定时广播到时没有运行中的调度台，未播出');
      log.warn({ schedule: due.scheduleId, name: due.name }, 'a scheduled broadcast fired with no console open');
    } catch (err) {
      log.error({ schedule: due.scheduleId, err: err instanceof Error ? err.message : String(err) }, 'a scheduled broadcast fired with no console open and could not be recorded');
    }
  });
  const { missed } = schedules.start();
  if (missed > 0) log.warn({ missed }, 'one-off broadcast schedules passed while the console was not running');

  const groupOrThrow = (id: string) => {
    const group = directory.broadcastGroups.get(id);
    if (!group) throw new ConsoleError('not-found', `广播分组不存在: ${id}`);
    return group;
  };
  const inUse = (what: { clipId?: string; groupId?: string }, noun: string) => {
    const users = schedules.usedBy(what);
    if (users.length > 0) throw new ConsoleError('conflict', `${noun}仍被定时广播「${users.map((s) => s.name).join('、')}」使用，请先取消这些定时广播`);
  };
  const clipAudit = (clip: BroadcastClip) => ({ name: clip.name, kind: clip.kind, durationMs: clip.durationMs });

  const handlers: BroadcastService['handlers'] = {
    listBroadcastGroups: async () => directory.broadcastGroups.list(),
    saveBroadcastGroup: async (group) => {
      const saved = directory.broadcastGroups.save(group);
      audit.record(actor, 'broadcast.group.save', group.id, { name: group.name, members: saved.memberIds.length });
      return saved;
    },
    deleteBroadcastGroup: async ({ id }) => {
      inUse({ groupId: id }, '该广播分组');
      if (directory.broadcastGroups.delete(id)) audit.record(actor, 'broadcast.group.delete', id);
      return null;
    },
    listClips: async () => clips.list(),
    synthesizeClip: async (input) => {
      const clip = await clips.synthesize(input);
      audit.record(actor, 'broadcast.clip.tts', clip.id, clipAudit(clip));
      return clip;
    },
    uploadClip: async ({ name, fileName, dataBase64 }) => {
      const clip = await clips.importFile({ name, fileName, data: Buffer.from(dataBase64, 'base64') });
      audit.record(actor, 'broadcast.clip.upload', clip.id, { ...clipAudit(clip), fileName });
      return clip;
    },
    readClip: async ({ id }) => {
      const { mimeType, data } = clips.read(id);
      return { mimeType, dataBase64: data.toString('base64') };
    },
    deleteClip: async ({ id }) => {
      inUse({ clipId: id }, '该音频');
      if (clips.delete(id)) audit.record(actor, 'broadcast.clip.delete', id);
      return null;
    },
    startBroadcast: async (input) => {
      const group = groupOrThrow(input.groupId);
      const clip = input.source.kind === 'clip' ? clips.get(input.source.clipId) : null;
      const byId = new Map(directory.listContacts().map((c) => [c.id, c]));
      const members = group.memberIds.flatMap((id) => byId.get(id) ?? []);
      const record = broadcasts.start(input, { operator: actor, group, members, clip });
      audit.record(actor, 'broadcast.start', record.id, {
        group: group.name,
        source: input.source.kind,
        clip: clip?.name ?? null,
        endpoints: members.length,
        scheduleId: input.scheduleId,
      });
      return record;
    },
    reportDelivery: async (input) => broadcasts.reportDelivery(input),
    finishBroadcast: async ({ broadcastId, state, reason }) => {
      const record = broadcasts.finish(broadcastId, state, reason);
      const answered = record.deliveries.filter((d) => d.outcome === 'answered').length;
      audit.record(actor, 'broadcast.finish', broadcastId, { state, reason, answered, endpoints: record.deliveries.length });
      return record;
    },
    listBroadcasts: async (query) => broadcasts.list(query),
    startBroadcastRecording: async ({ broadcastId, mimeType }) => ({ id: recordings.start({ ownerId: broadcastId, mimeType }).id }),
    appendBroadcastRecording: async ({ recordingId, seq, dataBase64 }) => recordings.append(recordingId, seq, Buffer.from(dataBase64, 'base64')),
    stopBroadcastRecording: async ({ recordingId }) => {
      recordings.stop(recordingId);
      return null;
    },
    readBroadcastRecording: async ({ id }) => {
      const { mimeType, data } = recordings.read(id);
      return { mimeType, dataBase64: data.toString('base64') };
    },
    listSchedules: async () => schedules.list(),
    saveSchedule: async (input) => {
      groupOrThrow(input.groupId);
      clips.get(input.clipId);
      const saved = schedules.save(input);
      audit.record(actor, 'broadcast.schedule.save', saved.id, { name: saved.name, firstAt: saved.firstAt, recurrence: saved.recurrence });
      return saved;
    },
    cancelSchedule: async ({ id }) => {
      const cancelled = schedules.cancel(id);
      audit.record(actor, 'broadcast.schedule.cancel', id, { name: cancelled.name });
      return cancelled;
    },
    listRtpRoutes: async () => routes.list(),
    saveRtpRoute: async (route) => {
      const saved = routes.save(route, deps.janusBackendIds());
      audit.record(actor, 'broadcast.route.save', route.contactId, { backendId: route.backendId, host: route.host, port: route.port, codec: route.codec });
      return saved;
    },
    deleteRtpRoute: async ({ id }) => {
      if (routes.delete(id)) audit.record(actor, 'broadcast.route.delete', id);
      return null;
    },
  };
  const checkDirectoryChange = (remaining: (contactId: string) => boolean) => {
    for (const group of directory.broadcastGroups.list()) {
      if (group.memberIds.some(remaining)) continue;
      inUse({ groupId: group.id }, `广播分组「${group.name}」的终端将全部删除，该分组`);
    }
  };
  return { handlers, schedules, checkDirectoryChange };
}
