import { useState } from 'react';
import { Button, Empty, Input, List, Popconfirm, Space, Typography } from 'antd';
import { DeleteOutlined, PlayCircleOutlined, SaveOutlined } from '@ant-design/icons';
import type { WallCommand, WallState } from '../../../shared/domain/wall';
import { useT } from '../../app/hooks';
import { formatTime } from './tileMedia';

/** 场景: save the whole wall (every monitor, layout, channel and tour) under a name; recall or delete it. */
export function ScenePanel({ wall, command }: { wall: WallState; command: (c: WallCommand) => void }) {
  const t = useT();
  const [name, setName] = useState('');
  const save = () => {
    if (!name.trim()) return;
    command({ op: 'saveScene', name: name.trim() });
    setName('');
  };
  return (
    <div className="scene-panel" data-testid="scene-panel">
      <Space.Compact style={{ width: '100%' }}>
        <Input placeholder={t('scene.name')} value={name} onChange={(e) => setName(e.target.value)} onPressEnter={save} maxLength={60} data-testid="scene-name" />
        <Button type="primary" icon={<SaveOutlined />} disabled={!name.trim()} onClick={save} data-testid="scene-save">
          {t('scene.save')}
        </Button>
      </Space.Compact>
      <Typography.Paragraph type="secondary" className="panel-hint">
        {t('scene.hint')}
      </Typography.Paragraph>
      <List
        size="small"
        dataSource={wall.scenes}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('scene.empty')} /> }}
        renderItem={(scene) => (
          <List.Item
            data-testid="scene-item"
            data-scene-id={scene.id}
            actions={[
              <Button key="r" size="small" type="link" icon={<PlayCircleOutlined />} data-testid="scene-recall" onClick={() => command({ op: 'recallScene', sceneId: scene.id })}>
                {t('scene.recall')}
              </Button>,
              <Popconfirm key="d" title={t('scene.deleteConfirm', { name: scene.name })} onConfirm={() => command({ op: 'deleteScene', sceneId: scene.id })}>
                <Button size="small" type="link" danger icon={<DeleteOutlined />} aria-label={t('scene.delete')} />
              </Popconfirm>,
            ]}
          >
            <List.Item.Meta title={scene.name} description={t('scene.meta', { time: formatTime(scene.savedAt), n: scene.monitors })} />
          </List.Item>
        )}
      />
    </div>
  );
}
