import { useMemo, useState } from 'react';
import { App, Button, Input, Select, Space, Table, Tag, Tooltip } from 'antd';
import { DownloadOutlined, FileZipOutlined, PauseOutlined, PhoneOutlined, PlayCircleOutlined, ReloadOutlined } from '@ant-design/icons';
import type { CallQuery, CallRecord } from '../../../shared/domain/telephony';
import { useT } from '../../app/hooks';
import type { StringKey } from '../../app/strings';
import { formatDateTime, formatDuration, OUTCOME_TEXT } from '../../media/telephony/callOutcome';
import { useExportCallRecordingsMutation, useListCallsQuery } from './phoneApi';
import { usePhoneEngine } from './phoneEngineContext';
import { useCallRecordingPlayer } from './useCallRecordingPlayer';
import { saveBase64 } from './saveFile';

type Mode = 'history' | 'recordings';

/**
 * 通话记录 (placed, received, missed; call back) and 录音管理 (recordings by caller, callee and call type; play,
 * download one, download several as a zip). One table, two modes.
 */
export function CallHistory({ mode }: { mode: Mode }) {
  const t = useT();
  const engine = usePhoneEngine();
  const { message } = App.useApp();
  const [caller, setCaller] = useState('');
  const [callee, setCallee] = useState('');
  const [party, setParty] = useState('');
  const [result, setResult] = useState<CallQuery['result'] | 'out' | 'in' | undefined>(undefined);
  const [kind, setKind] = useState<CallQuery['kind']>(undefined);
  const [picked, setPicked] = useState<string[]>([]);
  const query: CallQuery = useMemo(() => {
    const q: CallQuery = { limit: 500 };
    if (mode === 'recordings') {
      q.recorded = true;
      if (caller.trim()) q.caller = caller.trim();
      if (callee.trim()) q.callee = callee.trim();
    } else if (party.trim()) q.party = party.trim();
    if (result === 'out' || result === 'in') q.direction = result;
    else if (result) q.result = result;
    if (kind) q.kind = kind;
    return q;
  }, [mode, caller, callee, party, result, kind]);
  const { data = [], isFetching, refetch } = useListCallsQuery(query);
  const [exportZip, { isLoading: zipping }] = useExportCallRecordingsMutation();
  const player = useCallRecordingPlayer();

  const downloadZip = async () => {
    const ids = data.filter((c) => picked.includes(c.id) && c.recordingId).map((c) => c.recordingId!);
    const res = await exportZip(ids);
    if ('error' in res) {
      message.error(`${t('phone.rec.zipFailed')}：${(res.error as { message?: string }).message ?? ''}`);
      return;
    }
    saveBase64(res.data.zipBase64, 'application/zip', res.data.fileName);
    message.success(t('phone.rec.zipSaved', { path: res.data.path }));
  };

  const kindOptions = (['single', 'group', 'rollcall', 'consult', 'broadcast'] as const).map((k) => ({ value: k, label: t(`phone.kind.${k}` as StringKey) }));
  return (
    <div className="phone-history" data-testid={`phone-${mode}`}>
      <Space wrap size={6} className="phone-history__filters">
        {mode === 'recordings' ? (
          <>
            <Input allowClear placeholder={t('phone.rec.caller')} value={caller} onChange={(e) => setCaller(e.target.value)} style={{ width: 160 }} data-testid="rec-caller" />
            <Input allowClear placeholder={t('phone.rec.callee')} value={callee} onChange={(e) => setCallee(e.target.value)} style={{ width: 160 }} data-testid="rec-callee" />
          </>
        ) : (
          <Input allowClear placeholder={t('phone.history.party')} value={party} onChange={(e) => setParty(e.target.value)} style={{ width: 200 }} />
        )}
        <Select
          allowClear
          placeholder={t('phone.history.result')}
          value={result}
          onChange={setResult}
          style={{ width: 120 }}
          options={[
            { value: 'out', label: t('phone.history.placed') },
            { value: 'in', label: t('phone.history.received') },
            { value: 'missed', label: t('phone.history.missed') },
            { value: 'answered', label: t('phone.history.answered') },
            { value: 'unanswered', label: t('phone.history.unanswered') },
          ]}
        />
        <Select allowClear placeholder={t('phone.history.kind')} value={kind} onChange={setKind} style={{ width: 110 }} options={kindOptions} aria-label={t('phone.history.kind')} />
        <Button icon={<ReloadOutlined />} loading={isFetching} onClick={() => void refetch()} aria-label={t('phone.refresh')} />
        {mode === 'recordings' ? (
          <Button icon={<FileZipOutlined />} disabled={picked.length === 0} loading={zipping} onClick={() => void downloadZip()} data-testid="rec-zip">
            {t('phone.rec.zip', { n: picked.length })}
          </Button>
        ) : null}
      </Space>
      <Table<CallRecord>
        size="small"
        rowKey="id"
        dataSource={data}
        pagination={{ pageSize: 8, size: 'small', showSizeChanger: false }}
        rowSelection={mode === 'recordings' ? { selectedRowKeys: picked, onChange: (keys) => setPicked(keys as string[]) } : undefined}
        onRow={(r) => ({ 'data-testid': `history-${r.id}` }) as React.HTMLAttributes<HTMLElement>}
        columns={[
          { title: t('phone.col.time'), key: 'time', width: 150, render: (_, r) => formatDateTime(r.startedAt) },
          {
            title: t('phone.col.direction'),
            key: 'dir',
            width: 70,
            render: (_, r) => <Tag color={r.direction === 'in' ? (r.outcome === 'missed' ? 'red' : 'blue') : 'default'}>{r.direction === 'in' ? t('phone.in') : t('phone.out')}</Tag>,
          },
          { title: t('phone.col.kind'), key: 'kind', width: 70, render: (_, r) => t(`phone.kind.${r.kind}` as StringKey) },
          { title: t('phone.col.caller'), key: 'caller', render: (_, r) => party2(r.caller) },
          { title: t('phone.col.callee'), key: 'callee', render: (_, r) => party2(r.callee) },
          {
            title: t('phone.col.duration'),
            key: 'dur',
            width: 70,
            render: (_, r) => (r.answeredAt && r.endedAt ? formatDuration(r.endedAt - r.answeredAt) : '-'),
          },
          {
            title: t('phone.col.result'),
            key: 'outcome',
            render: (_, r) => (
              <Tooltip title={r.reason ?? undefined}>
                <span data-testid="history-outcome">{r.outcome ? OUTCOME_TEXT[r.outcome] : t(`phone.state.${r.state}` as StringKey)}</span>
              </Tooltip>
            ),
          },
          {
            title: '',
            key: 'act',
            width: 120,
            render: (_, r) => {
              const other = r.direction === 'out' ? r.callee.number : r.caller.number;
              return (
                <Space size={2}>
                  {r.recordingId ? (
                    <>
                      <Button
                        size="small"
                        type="text"
                        icon={player.playing === r.recordingId ? <PauseOutlined /> : <PlayCircleOutlined />}
                        aria-label={t('phone.rec.play')}
                        data-testid="rec-play"
                        onClick={() => void player.toggle(r.recordingId!)}
                      />
                      <Button size="small" type="text" icon={<DownloadOutlined />} aria-label={t('phone.rec.download')} onClick={() => void player.download(r)} />
                    </>
                  ) : null}
                  <Button size="small" type="text" icon={<PhoneOutlined />} aria-label={t('phone.callBack')} onClick={() => void engine.dial(other)} data-testid="history-callback" />
                </Space>
              );
            },
          },
        ]}
      />
      {player.element}
    </div>
  );
}

function party2(p: { number: string; name: string | null }) {
  return p.name ? `${p.name} ${p.number}` : p.number;
}
