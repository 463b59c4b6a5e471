import { useState } from 'react';
import { Alert, Tabs } from 'antd';
import type { BroadcastGroup } from '../../../shared/domain/broadcast';
import { useAppSelector, useT } from '../../app/hooks';
import { useListBroadcastGroupsQuery, useListClipsQuery } from './broadcastApi';
import { useBroadcastEngine } from './broadcastEngineContext';
import { selectActiveBroadcast, selectBroadcastNotice } from './broadcastSlice';
import { BroadcastGroupsPanel } from './BroadcastGroupsPanel';
import { BroadcastRecords } from './BroadcastRecords';
import { ComposePanel } from './ComposePanel';
import { OnAirPanel } from './OnAirPanel';
import { SchedulesPanel, type ScheduleDraft } from './SchedulesPanel';

/** 应急广播: broadcast groups | compose (TTS, files, live) and the running broadcast; schedules and records below. */
export function BroadcastPage() {
  const t = useT();
  const engine = useBroadcastEngine();
  const { data: groups = [] } = useListBroadcastGroupsQuery();
  const { data: clips = [] } = useListClipsQuery();
  const active = useAppSelector(selectActiveBroadcast);
  const notice = useAppSelector(selectBroadcastNotice);
  const [picked, setPicked] = useState<string | null>(null);
  const [draft, setDraft] = useState<ScheduleDraft | null>(null);
  const [tab, setTab] = useState('records');
  // The picked group, or the only one there is.
  const groupId = picked && groups.some((g) => g.id === picked) ? picked : groups.length === 1 ? groups[0]!.id : null;
  const busy = active !== null && active.phase !== 'ended';

  return (
    <div className="broadcast-page" data-testid="broadcast-page">
      <aside className="broadcast-page__left">
        <BroadcastGroupsPanel selectedId={groupId} onSelect={(g: BroadcastGroup) => setPicked(g.id)} />
      </aside>
      <main className="broadcast-page__main">
        {notice ? <Alert type="warning" showIcon closable message={notice} onClose={() => engine.dismissNotice()} data-testid="broadcast-notice" /> : null}
        <div className="broadcast-page__top">
          <ComposePanel
            groups={groups}
            groupId={groupId}
            onGroup={setPicked}
            busy={busy}
            onSchedule={(g, c) => {
              setTab('schedules');
              setDraft({ groupId: g, clipId: c });
            }}
          />
          <OnAirPanel />
        </div>
        <Tabs
          className="broadcast-page__bottom"
          size="small"
          activeKey={tab}
          onChange={setTab}
          items={[
            { key: 'records', label: <span data-testid="tab-records">{t('broadcast.records')}</span>, children: <BroadcastRecords /> },
            {
              key: 'schedules',
              label: <span data-testid="tab-schedules">{t('broadcast.schedules')}</span>,
              children: <SchedulesPanel groups={groups} clips={clips} draft={draft} onDraft={setDraft} />,
            },
          ]}
        />
      </main>
    </div>
  );
}
