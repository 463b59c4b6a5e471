import type { EventFields } from '../../shared/domain/event';
import { T0 } from '../telephony/telephonyFixture.test-support';

/** A gas event at 王庄煤矿, one alarm linked. */
export function fields(extra: Partial<EventFields> = {}): EventFields {
  return {
    type: 'gas',
    level: 2,
    mineId: 'm1',
    mineName: '王庄煤矿',
    place: '3号井 1203 工作面回风巷',
    location: [113.1, 36.2],
    occurredAt: T0 - 60_000,
    description: '回风流甲烷浓度 1.2%，超限报警',
    casualties: '无',
    cause: '局部通风机停风',
    measures: '撤出人员，恢复通风',
    reporter: '张调度',
    links: [{ kind: 'alarm', id: 'a1', label: '瓦斯超限 T2 传感器' }],
    ...extra,
  };
}
