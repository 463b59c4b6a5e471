import { useEffect, useState } from 'react';
import { Image, List, Segmented, Typography } from 'antd';
import type { ConsoleApi } from '../../../shared/contract/consoleApi';
import { useT } from '../../app/hooks';
import { useListRecordingsQuery, useListSnapshotsQuery } from './wallApi';
import { formatTime } from './tileMedia';

const LIMIT = 200;

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** 快照与本地录像: what was taken from the wall, newest first, with channel, time and file. */
export function MediaPanel({ api }: { api: ConsoleApi }) {
  const t = useT();
  const [tab, setTab] = useState<'snapshots' | 'recordings'>('snapshots');
  const snapshots = useListSnapshotsQuery(LIMIT, { skip: tab !== 'snapshots' });
  const recordings = useListRecordingsQuery(LIMIT, { skip: tab !== 'recordings' });
  return (
    <div className="media-panel" data-testid="media-panel">
      <Segmented
        block
        value={tab}
        onChange={setTab}
        options={[
          { value: 'snapshots', label: t('media.snapshots') },
          { value: 'recordings', label: t('media.recordings') },
        ]}
      />
      {tab === 'snapshots' ? (
        <List
          size="small"
          loading={snapshots.isFetching}
          dataSource={snapshots.data ?? []}
          locale={{ emptyText: t('media.noSnapshots') }}
          renderItem={(s) => (
            <List.Item data-testid="snapshot-item" data-snapshot-id={s.id} data-channel-id={s.channelId}>
              <List.Item.Meta
                avatar={<SnapshotThumb api={api} id={s.id} />}
                title={s.channelName}
                description={
                  <>
                    {formatTime(s.takenAt)} · {s.width}×{s.height}
                    <Typography.Text type="secondary" className="media-path" copyable={{ text: s.path }}>
                      {s.path}
                    </Typography.Text>
                  </>
                }
              />
            </List.Item>
          )}
        />
      ) : (
        <List
          size="small"
          loading={recordings.isFetching}
          dataSource={recordings.data ?? []}
          locale={{ emptyText: t('media.noRecordings') }}
          renderItem={(r) => (
            <List.Item data-testid="recording-item" data-recording-id={r.id} data-bytes={r.bytes}>
              <List.Item.Meta
                title={r.channelName}
                description={
                  <>
                    {formatTime(r.startedAt)} — {r.endedAt ? formatTime(r.endedAt) : t('media.recordingNow')} · {megabytes(r.bytes)}
                    <Typography.Text type="secondary" className="media-path" copyable={{ text: r.path }}>
                      {r.path}
                    </Typography.Text>
                  </>
                }
              />
            </List.Item>
          )}
        />
      )}
    </div>
  );
}

/** Loads a snapshot's PNG on demand (small previews; the file itself stays on disk). */
function SnapshotThumb({ api, id }: { api: ConsoleApi; id: string }) {
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    void api
      .readSnapshot({ id })
      .then((r) => live && setSrc(`data:image/png;base64,${r.pngBase64}`))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [api, id]);
  return src ? <Image width={72} src={src} /> : <div className="media-thumb" />;
}
