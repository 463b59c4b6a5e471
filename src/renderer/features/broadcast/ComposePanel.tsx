import { useState } from 'react';
import { Alert, App, Button, Input, InputNumber, Select, Space, Tabs, Upload } from 'antd';
import { AudioOutlined, ClockCircleOutlined, NotificationOutlined, SoundOutlined, UploadOutlined } from '@ant-design/icons';
import type { BroadcastClip, BroadcastGroup } from '../../../shared/domain/broadcast';
import { MAX_CLIP_UPLOAD_BYTES, MAX_TTS_CHARS } from '../../../shared/domain/broadcast';
import { useT } from '../../app/hooks';
import { useBlobAudioPlayer } from '../../app/useBlobAudioPlayer';
import { bytesToBase64 } from '../../media';
import { useDeleteClipMutation, useListClipsQuery, useSynthesizeClipMutation, useUploadClipMutation } from './broadcastApi';
import { useBroadcastEngine } from './broadcastEngineContext';
import { clipLength } from './broadcastModel';
import { ClipLibraryList } from './ClipLibraryList';

type Props = {
  groups: BroadcastGroup[];
  groupId: string | null;
  onGroup: (id: string) => void;
  /** Opens the schedule editor for this group and clip. */
  onSchedule: (groupId: string | null, clipId: string | null) => void;
  busy: boolean;
};

type Mode = 'tts' | 'file' | 'live';

/** 发起广播: target group; text-to-speech, audio files or live shouting; repeat; start now or schedule. */
export function ComposePanel({ groups, groupId, onGroup, onSchedule, busy }: Props) {
  const t = useT();
  const { message } = App.useApp();
  const engine = useBroadcastEngine();
  const [mode, setMode] = useState<Mode>('tts');
  const [text, setText] = useState('');
  const [rate, setRate] = useState(150);
  const [repeat, setRepeat] = useState(2);
  const [clipId, setClipId] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);
  const { data: clips = [] } = useListClipsQuery();
  const [synthesize, { isLoading: synthesizing }] = useSynthesizeClipMutation();
  const [upload, { isLoading: uploading }] = useUploadClipMutation();
  const [deleteClip] = useDeleteClipMutation();
  const preview = useBlobAudioPlayer(t('phone.rec.playFailed'), 'clip-audio');
  const picked = clips.find((c) => c.id === clipId) ?? null;
  // On the TTS tab only speech made from the text as it stands plays (edited text must be made again).
  const clip = mode === 'tts' && picked && (picked.kind !== 'tts' || picked.text !== text.trim()) ? null : picked;

  const errorOf = (result: { error?: unknown }) => (result.error ? ((result.error as { message?: string }).message ?? String(result.error)) : null);

  const makeSpeech = async () => {
    const result = await synthesize({ text, rate });
    const error = errorOf(result);
    if (error || !result.data) message.error(error ?? '');
    else setClipId(result.data.id);
  };

  const uploadFile = async (file: File) => {
    if (file.size > MAX_CLIP_UPLOAD_BYTES) {
      message.error(`「${file.name}」过大（最大 10 MB）`);
      return;
    }
    const dataBase64 = bytesToBase64(new Uint8Array(await file.arrayBuffer()));
    const result = await upload({ name: file.name.replace(/\.[^.]+$/, '').slice(0, 64) || file.name.slice(0, 64), fileName: file.name, dataBase64 });
    const error = errorOf(result);
    if (error || !result.data) message.error(error ?? '');
    else setClipId(result.data.id);
  };

  const start = async () => {
    if (!groupId) return;
    setStarting(true);
    try {
      await engine.start({ groupId, source: mode === 'live' ? { kind: 'live' } : { kind: 'clip', clipId: clip!.id, repeat } });
    } catch (err) {
      message.error(err instanceof Error ? err.message : String(err));
    } finally {
      setStarting(false);
    }
  };

  const clipFooter = (
    <div className="broadcast-compose__footer">
      <span className="broadcast-compose__clip" data-testid="compose-clip" data-clip-id={clip?.id ?? ''} data-duration-ms={clip?.durationMs ?? ''}>
        {clip ? t('broadcast.clip.selected', { name: clip.name, duration: clipLength(clip.durationMs) }) : t('broadcast.clip.none')}
      </span>
      <Space>
        <span>{t('broadcast.repeat')}</span>
        <InputNumber min={1} max={10} value={repeat} onChange={(v) => setRepeat(v ?? 1)} addonAfter="遍" style={{ width: 110 }} aria-label={t('broadcast.repeat')} />
        <Button icon={<ClockCircleOutlined />} onClick={() => onSchedule(groupId, clip?.id ?? null)} data-testid="compose-schedule">
          {t('broadcast.schedule.new')}
        </Button>
        <Button
          type="primary"
          danger
          icon={<NotificationOutlined />}
          disabled={!groupId || !clip || busy}
          loading={starting}
          onClick={() => void start()}
          data-testid="broadcast-start"
        >
          {t('broadcast.start')}
        </Button>
      </Space>
    </div>
  );

  const library = (
    <ClipLibraryList
      clips={clips}
      selectedId={clipId}
      onSelect={(c: BroadcastClip) => setClipId(c.id)}
      playingId={preview.playing}
      onPreview={(c) => void preview.toggle(c.id, (id) => engine.readClip(id))}
      onDelete={(c) =>
        void deleteClip(c.id).then((r) => {
          const error = errorOf(r);
          if (error) message.error(error);
          else if (c.id === clipId) setClipId(null);
        })
      }
    />
  );

  return (
    <section className="broadcast-compose" data-testid="broadcast-compose">
      <h3 className="panel-title">{t('broadcast.compose')}</h3>
      <Select
        className="broadcast-compose__group"
        placeholder={t('broadcast.target.placeholder')}
        value={groupId ?? undefined}
        onChange={onGroup}
        options={groups.map((g) => ({ value: g.id, label: `${g.name}（${g.memberIds.length}）` }))}
        aria-label={t('broadcast.target')}
      />
      <Tabs
        size="small"
        activeKey={mode}
        onChange={(k) => setMode(k as Mode)}
        items={[
          {
            key: 'tts',
            label: (
              <span data-testid="compose-tab-tts">
                <SoundOutlined /> {t('broadcast.tab.tts')}
              </span>
            ),
            children: (
              <div className="broadcast-compose__tab">
                <Input.TextArea
                  value={text}
                  onChange={(e) => setText(e.target.value)}
                  maxLength={MAX_TTS_CHARS}
                  showCount
                  autoSize={{ minRows: 3, maxRows: 6 }}
                  placeholder={t('broadcast.tts.placeholder')}
                  data-testid="tts-text"
                />
                <Space>
                  <span>{t('broadcast.tts.rate')}</span>
                  <InputNumber min={80} max={260} step={10} value={rate} onChange={(v) => setRate(v ?? 150)} aria-label={t('broadcast.tts.rate')} />
                  <Button onClick={() => void makeSpeech()} loading={synthesizing} disabled={text.trim().length === 0} data-testid="tts-make">
                    {t('broadcast.tts.make')}
                  </Button>
                  {clip?.kind === 'tts' ? (
                    <Button onClick={() => void preview.toggle(clip.id, (id) => engine.readClip(id))} data-testid="tts-preview">
                      {t(preview.playing === clip.id ? 'broadcast.clip.stopPreview' : 'broadcast.clip.preview')}
                    </Button>
                  ) : null}
                </Space>
              </div>
            ),
          },
          {
            key: 'file',
            label: (
              <span data-testid="compose-tab-file">
                <UploadOutlined /> {t('broadcast.tab.file')}
              </span>
            ),
            children: (
              <div className="broadcast-compose__tab">
                <Upload
                  accept="audio/*,.wav,.mp3,.opus,.ogg,.m4a,.aac,.flac"
                  showUploadList={false}
                  beforeUpload={(file) => {
                    void uploadFile(file);
                    return false;
                  }}
                >
                  <Button icon={<UploadOutlined />} loading={uploading} data-testid="clip-upload">
                    {t('broadcast.clip.upload')}
                  </Button>
                </Upload>
                <div className="broadcast-compose__library">{library}</div>
              </div>
            ),
          },
          {
            key: 'live',
            label: (
              <span data-testid="compose-tab-live">
                <AudioOutlined /> {t('broadcast.tab.live')}
              </span>
            ),
            children: (
              <div className="broadcast-compose__tab">
                <Alert type="info" showIcon message={t('broadcast.live.hint')} />
                <Button
                  type="primary"
                  danger
                  size="large"
                  icon={<AudioOutlined />}
                  disabled={!groupId || busy}
                  loading={starting}
                  onClick={() => void start()}
                  data-testid="broadcast-start-live"
                >
                  {t('broadcast.startLive')}
                </Button>
              </div>
            ),
          },
        ]}
      />
      {mode === 'live' ? null : clipFooter}
      {preview.element}
    </section>
  );
}
