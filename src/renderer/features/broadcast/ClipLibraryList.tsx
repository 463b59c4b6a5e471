import { Button, Empty, List, Popconfirm, Radio, Tag, Tooltip } from 'antd';
import { DeleteOutlined, PauseCircleOutlined, PlayCircleOutlined } from '@ant-design/icons';
import type { BroadcastClip } from '../../../shared/domain/broadcast';
import { useT } from '../../app/hooks';
import { clipLength } from './broadcastModel';

type Props = {
  clips: BroadcastClip[];
  selectedId: string | null;
  onSelect: (clip: BroadcastClip) => void;
  playingId: string | null;
  onPreview: (clip: BroadcastClip) => void;
  onDelete: (clip: BroadcastClip) => void;
};

/** 音频库: every clip (speech made here, uploaded files) with preview, pick and delete. */
export function ClipLibraryList({ clips, selectedId, onSelect, playingId, onPreview, onDelete }: Props) {
  const t = useT();
  if (clips.length === 0) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('broadcast.clip.empty')} />;
  return (
    <List
      className="clip-library"
      size="small"
      dataSource={clips}
      renderItem={(c) => (
        <List.Item
          data-testid={`clip-${c.name}`}
          className={c.id === selectedId ? 'clip-library__item clip-library__item--selected' : 'clip-library__item'}
          onClick={() => onSelect(c)}
          actions={[
            <Button
              key="play"
              size="small"
              type="text"
              icon={playingId === c.id ? <PauseCircleOutlined /> : <PlayCircleOutlined />}
              aria-label={t(playingId === c.id ? 'broadcast.clip.stopPreview' : 'broadcast.clip.preview')}
              onClick={(e) => {
                e.stopPropagation();
                onPreview(c);
              }}
              data-testid="clip-preview"
            />,
            <Popconfirm key="del" title={`${t('broadcast.clip.delete')}「${c.name}」？`} onConfirm={() => onDelete(c)}>
              <Button size="small" type="text" danger icon={<DeleteOutlined />} aria-label={t('broadcast.clip.delete')} onClick={(e) => e.stopPropagation()} />
            </Popconfirm>,
          ]}
        >
          <Radio checked={c.id === selectedId} />
          <Tag bordered={false} color={c.kind === 'tts' ? 'blue' : 'purple'}>
            {t(c.kind === 'tts' ? 'broadcast.clip.kind.tts' : 'broadcast.clip.kind.file')}
          </Tag>
          <Tooltip title={c.text ?? c.sourceName ?? c.name}>
            <span className="clip-library__name">{c.name}</span>
          </Tooltip>
          <span className="clip-library__len">{clipLength(c.durationMs)}</span>
        </List.Item>
      )}
    />
  );
}
