import { ALARM_KINDS, type Alarm, type AlarmCategory, type AlarmQuery, type AlarmState } from '../../../shared/domain/alarm';
import { DISTRICTS } from '../../../shared/domain/referenceData';

/** 1 一般 … 4 特别重大, and the colours the hall reads them by. */
export const LEVEL_NAMES: Record<number, string> = { 1: '一般', 2: '较大', 3: '重大', 4: '特别重大' };
export const LEVEL_COLORS: Record<number, string> = { 1: 'blue', 2: 'gold', 3: 'orange', 4: 'red' };

export const CATEGORY_NAMES: Record<AlarmCategory, string> = { app: '应用报警', device: '设备报警', ai: '智能报警', other: '其他报警' };

export const STATE_NAMES: Record<AlarmState, string> = { new: '未处理', accepted: '已接警', dismissed: '已消警' };
export const STATE_COLORS: Record<AlarmState, string> = { new: 'red', accepted: 'processing', dismissed: 'default' };

const countyNames = new Map(DISTRICTS.map((d) => [d.adcode, d.name]));

export function countyName(code: string | null): string | null {
  return code === null ? null : (countyNames.get(code) ?? code);
}

/** What the operator reads as the alarm's type: our name for known kinds, else the source's own. */
export function kindText(alarm: Pick<Alarm, 'kind' | 'kindName'>): string {
  return (ALARM_KINDS as Record<string, string>)[alarm.kind] ?? alarm.kindName ?? alarm.kind;
}

/** Where: mine (and county) when the channel is known, else the device id as sent, marked unlinked. */
export function placeText(alarm: Pick<Alarm, 'mineName' | 'county' | 'deviceId' | 'linked'>): string {
  if (alarm.linked) return [countyName(alarm.county), alarm.mineName].filter(Boolean).join(' · ') || '—';
  return alarm.deviceId ? `未关联设备 ${alarm.deviceId}` : '未关联设备';
}

/** A box's clock differs from ours (or the push was late) by more than this: shown next to the time. */
export const SKEW_SHOWN_MS = 60_000;

export function skewText(skewMs: number): string | null {
  if (Math.abs(skewMs) < SKEW_SHOWN_MS) return null;
  const minutes = Math.round(Math.abs(skewMs) / 60_000);
  const amount = minutes < 120 ? `${minutes} 分钟` : `${Math.round(minutes / 60)} 小时`;
  return skewMs > 0 ? `来源时间早于接收 ${amount}（时钟偏差或推送延迟）` : `来源时间晚于接收 ${amount}（来源时钟超前）`;
}

/** Whether an alarm that arrived live belongs on the list page as filtered (full text is left to the next fetch). */
export function matchesQuery(alarm: Alarm, q: Omit<AlarmQuery, 'limit' | 'before'>): boolean {
  if (q.text) return false;
  if (q.category && alarm.category !== q.category) return false;
  if (q.kind && alarm.kind !== q.kind) return false;
  if (q.mineId && alarm.mineId !== q.mineId) return false;
  if (q.county && alarm.county !== q.county) return false;
  if (q.minLevel && alarm.level < q.minLevel) return false;
  if (q.state && alarm.state !== q.state) return false;
  if (q.from !== undefined && alarm.receivedAt < q.from) return false;
  if (q.to !== undefined && alarm.receivedAt >= q.to) return false;
  return true;
}
