import { Space, Tag } from 'antd';
import { EVENT_LEVEL_NAMES, EVENT_TYPE_CODES, EVENT_TYPES, type EventState, type EventType } from '../../../shared/domain/event';

/** 1 一般 … 4 特别重大, in the colours the alarms use. */
export const LEVEL_COLORS: Record<number, string> = { 1: 'blue', 2: 'gold', 3: 'orange', 4: 'red' };
export const STATE_COLORS: Record<EventState, string> = { open: 'processing', closed: 'default' };

/** The event type in its colour. */
export function EventTypeTag({ type }: { type: EventType }) {
  const { name, color } = EVENT_TYPES[type];
  return (
    <Tag color={color} variant="solid" style={{ marginInlineEnd: 0 }} data-event-type={type}>
      {name}
    </Tag>
  );
}

/** The event types as Select options: each name after a swatch of its colour. */
export const EVENT_TYPE_OPTIONS = EVENT_TYPE_CODES.map((c) => ({
  value: c,
  label: (
    <Space size={6}>
      <span style={{ display: 'inline-block', width: 10, height: 10, borderRadius: 2, background: EVENT_TYPES[c].color }} />
      {EVENT_TYPES[c].name}
    </Space>
  ),
}));

export function LevelTag({ level }: { level: number }) {
  return (
    <Tag color={LEVEL_COLORS[level]} style={{ marginInlineEnd: 0 }}>
      {EVENT_LEVEL_NAMES[level] ?? level}
    </Tag>
  );
}

/** A File's bytes as base64 (for uploads over the RPC). */
export async function fileToBase64(file: Blob): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  const CHUNK = 0x8000;
  for (let i = 0; i < bytes.length; i += CHUNK) binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return btoa(binary);
}

/** Saves text as a UTF-8 file through the browser's download. */
export function saveText(text: string, fileName: string): void {
  const url = URL.createObjectURL(new Blob(['\ufeff', text], { type: 'text/plain;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
