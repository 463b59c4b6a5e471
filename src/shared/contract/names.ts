/**
 * The contract's request and event names, free of schemas (the sandboxed preload bundles only this, not zod).
 * `consoleApi.ts` checks at compile time that these lists and its tables name exactly the same things.
 */
export const REQUEST_NAMES = [
  'getAppInfo',
  'getCatalogue',
  'refreshCatalogue',
  'openStream',
  'closeStream',
  'getSettings',
  'saveBackend',
  'removeBackend',
  'listAudit',
  'recordAction',
  'reportClientError',
  'getWall',
  'wallCommand',
  'ptz',
  'listPtzPresets',
  'saveSnapshot',
  'listSnapshots',
  'readSnapshot',
  'startRecording',
  'appendRecording',
  'stopRecording',
  'listRecordings',
  'openReplay',
  'queryRecords',
  'openPlayback',
  'playbackControl',
  'startDownload',
  'cancelDownload',
  'listDownloads',
  'saveSipAccount',
  'removeSipAccount',
  'getSipCredentials',
  'listContacts',
  'saveContact',
  'deleteContact',
  'importContacts',
  'listGroups',
  'saveGroup',
  'deleteGroup',
  'getPresence',
  'reportCall',
  'listCalls',
  'startCallRecording',
  'appendCallRecording',
  'stopCallRecording',
  'readCallRecording',
  'exportCallRecordings',
  'listBroadcastGroups',
  'saveBroadcastGroup',
  'deleteBroadcastGroup',
  'listClips',
  'synthesizeClip',
  'uploadClip',
  'readClip',
  'deleteClip',
  'startBroadcast',
  'reportDelivery',
  'finishBroadcast',
  'listBroadcasts',
  'startBroadcastRecording',
  'appendBroadcastRecording',
  'stopBroadcastRecording',
  'readBroadcastRecording',
  'listSchedules',
  'saveSchedule',
  'cancelSchedule',
  'listRtpRoutes',
  'saveRtpRoute',
  'deleteRtpRoute',
  'getAlarmStatus',
  'saveAlarmInput',
  'removeAlarmInput',
  'saveAlarmOptions',
  'listAlarms',
  'getAlarm',
  'readAlarmPicture',
  'acceptAlarm',
  'dismissAlarm',
  'listTasks',
  'getTask',
  'createTask',
  'updateTask',
  'transitionTask',
] as const;

export const EVENT_NAMES = ['onCatalogueChanged', 'onBackendStatus', 'onWallChanged', 'onDownloadProgress', 'onPresence', 'onBroadcastDue', 'onAlarm', 'onAlarmStatus'] as const;

export type RequestName = (typeof REQUEST_NAMES)[number];
export type EventName = (typeof EVENT_NAMES)[number];

const requestNameSet: ReadonlySet<string> = new Set(REQUEST_NAMES);
const eventNameSet: ReadonlySet<string> = new Set(EVENT_NAMES);

export function isRequestName(x: unknown): x is RequestName {
  return typeof x === 'string' && requestNameSet.has(x);
}
export function isEventName(x: unknown): x is EventName {
  return typeof x === 'string' && eventNameSet.has(x);
}
