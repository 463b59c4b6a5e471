import { describe, expect, it } from 'vitest';
import type { SyncStatus } from '../../../shared/domain/sync';
import { translate } from '../../app/strings';
import { syncTagText } from './SyncStatusTag';

const base: SyncStatus = { state: 'online', backlog: 0, lastError: null, seatId: 's', published: 0, applied: 0 };
const text = (s: Partial<SyncStatus>) => {
  const status = { ...base, ...s };
  return translate('zh-CN', syncTagText(status).key, { n: status.backlog });
};

describe('the sync status tag', () => {
  it('says 同步正常 online with nothing to send, the backlog otherwise, 未启用 when off', () => {
    expect(text({})).toBe('同步正常');
    expect(text({ backlog: 3 })).toBe('同步中，待发送 3 条');
    expect(text({ state: 'offline', backlog: 20 })).toBe('离线，待发送 20 条');
    expect(text({ state: 'connecting', backlog: 0 })).toBe('离线，待发送 0 条');
    expect(text({ state: 'error', backlog: 2 })).toBe('离线，待发送 2 条');
    expect(text({ state: 'disabled', backlog: 5 })).toBe('未启用');
  });
});
