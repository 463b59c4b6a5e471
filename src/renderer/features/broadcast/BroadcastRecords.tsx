import { useState } from 'react';
import { Button, Input, Table, Tag } from 'antd';
import { PauseCircleOutlined, PlayCircleOutlined } from '@ant-design/icons';
import type { BroadcastRecord, Delivery } from '../../../shared/domain/broadcast';
import { useT } from '../../app/hooks';
import { useBlobAudioPlayer } from '../../app/useBlobAudioPlayer';
import { OUTCOME_TEXT, formatDuration } from '../../media/telephony/callOutcome';
import { useListBroadcastsQuery } from './broadcastApi';
import { useBroadcastEngine } from './broadcastEngineContext';
import { onAirMs, reached, RESULT_COLOR, timeText } from './broadcastModel';

/** 广播记录: who broadcast what to which group and when, each endpoint's result, and the audio that went out. */
export function BroadcastRecords() {
  const t = useT();
  const engine = useBroadcastEngine();
  const [text, setText] = useState('');
  const { data: records = [], isFetching } = useListBroadcastsQuery({ text: text.trim() || undefined, limit: 200 });
  const player = useBlobAudioPlayer(t('phone.rec.playFailed'), 'broadcast-rec-audio');

  const deliveryColumns = [
    { title: t('broadcast.col.endpoint'), dataIndex: 'name', key: 'name' },
    { title: t('broadcast.col.number'), dataIndex: 'number', key: 'number', width: 90 },
    {
      title: t('broadcast.col.result'),
      key: 'outcome',
      width: 110,
      render: (_: unknown, d: Delivery) => (
        <Tag color={d.outcome === 'answered' ? 'success' : d.outcome ? 'error' : 'processing'}>
          {d.outcome ? OUTCOME_TEXT[d.outcome] : t(`broadcast.delivery.${d.state}`)}
        </Tag>
      ),
    },
    { title: t('broadcast.col.answeredAt'), key: 'answeredAt', width: 170, render: (_: unknown, d: Delivery) => (d.answeredAt ? timeText(d.answeredAt) : '—') },
    {
      title: t('broadcast.col.duration'),
      key: 'duration',
      width: 80,
      render: (_: unknown, d: Delivery) => {
        const ms = onAirMs(d);
        return ms === null ? '—' : formatDuration(ms);
      },
    },
    { title: t('broadcast.col.reason'), dataIndex: 'reason', key: 'reason', ellipsis: true, render: (r: string | null) => r ?? '' },
  ];

  const columns = [
    { title: t('broadcast.col.time'), key: 'time', width: 170, render: (_: unknown, r: BroadcastRecord) => timeText(r.startedAt) },
    { title: t('broadcast.col.group'), dataIndex: 'groupName', key: 'group', width: 140 },
    {
      title: t('broadcast.col.content'),
      key: 'content',
      ellipsis: true,
      render: (_: unknown, r: BroadcastRecord) => (
        <>
          {r.scheduleId ? <Tag color="blue">{t('broadcast.scheduled')}</Tag> : null}
          {r.source.kind === 'live' ? t('broadcast.source.live') : `${r.clipName ?? ''} ×${r.source.repeat}`}
        </>
      ),
    },
    { title: t('broadcast.col.operator'), dataIndex: 'operator', key: 'operator', width: 90 },
    {
      title: t('broadcast.col.result'),
      key: 'state',
      width: 100,
      render: (_: unknown, r: BroadcastRecord) => (
        <Tag color={RESULT_COLOR[r.state]} title={r.reason ?? undefined}>
          {t(`broadcast.result.${r.state}`)}
        </Tag>
      ),
    },
    {
      title: t('broadcast.col.endpoints'),
      key: 'endpoints',
      width: 90,
      render: (_: unknown, r: BroadcastRecord) => {
        const { answered, total } = reached(r);
        return <span data-testid="record-reached">{t('broadcast.answeredOf', { a: answered, n: total })}</span>;
      },
    },
    {
      title: t('broadcast.col.recording'),
      key: 'rec',
      width: 80,
      render: (_: unknown, r: BroadcastRecord) =>
        r.recordingId ? (
          <Button
            size="small"
            type="text"
            icon={player.playing === r.recordingId ? <PauseCircleOutlined /> : <PlayCircleOutlined />}
            onClick={() => void player.toggle(r.recordingId!, (id) => engine.readRecording(id))}
            data-testid="record-play"
          >
            {t('broadcast.play.recording')}
          </Button>
        ) : null,
    },
  ];

  return (
    <div className="broadcast-records" data-testid="broadcast-records">
      <div className="broadcast-toolbar">
        <Input.Search allowClear placeholder={t('broadcast.records.search')} onSearch={setText} loading={isFetching} data-testid="records-search" style={{ maxWidth: 360 }} />
      </div>
      {player.element}
      <Table
        size="small"
        rowKey="id"
        dataSource={records}
        columns={columns}
        pagination={{ pageSize: 10, hideOnSinglePage: true }}
        expandable={{
          expandedRowRender: (r) => <Table size="small" rowKey="endpointId" pagination={false} dataSource={r.deliveries} columns={deliveryColumns} />,
        }}
        onRow={(r) => ({ 'data-testid': `record-${r.id}`, 'data-state': r.state }) as React.HTMLAttributes<HTMLElement>}
      />
    </div>
  );
}
