import { Tabs } from 'antd';
import { useState } from 'react';
import { EventsPage } from '../events/EventsPage';
import { SyncStatusTag } from '../sync/SyncStatusTag';
import { AlarmsPage } from './AlarmsPage';

type Tab = 'alarms' | 'events';

/**
 * 警情事件: the alarm records (警情记录) and the events made of them (事件管理), with the seat sync state (whether
 * this seat's handling has reached the other seats) beside the tabs. Only the shown tab is mounted: each keeps its
 * own filters and live queries.
 */
export function AlarmsEventsPage() {
  const [tab, setTab] = useState<Tab>('alarms');
  return (
    <Tabs
      className="alarms-events"
      activeKey={tab}
      onChange={(k) => setTab(k as Tab)}
      destroyOnHidden
      tabBarExtraContent={<SyncStatusTag />}
      items={[
        { key: 'alarms', label: <span data-testid="tab-alarm-records">警情记录</span>, children: <AlarmsPage /> },
        { key: 'events', label: <span data-testid="tab-events">事件管理</span>, children: <EventsPage /> },
      ]}
    />
  );
}
