import { App, Badge, Button, Empty, List, Space, Tabs, Tag, Typography } from 'antd';
import { CloseOutlined, PlayCircleOutlined, TeamOutlined } from '@ant-design/icons';
import { useAppSelector, useT } from '../../app/hooks';
import { usePhoneEngine } from '../phone/phoneEngineContext';
import { selectLines } from '../phone/phoneSlice';
import { useOpenChannelsOnWall } from '../wall/useOpenOnWall';
import { SELECTION_TYPES, type GroupedSelection, type SelectionType } from './mapModel';

/** A box or circle selection's result: grouped by type (移动app、单兵、车载、摄像头、无人机) and by function (实时预览、发起会商). */
export function SelectionPanel({ selection, onClose, onFocus }: { selection: GroupedSelection; onClose: () => void; onFocus: (type: SelectionType, id: string) => void }) {
  const t = useT();
  const total = SELECTION_TYPES.reduce((n, k) => n + selection.byType[k].length, 0);
  const others = selection.mines.length + selection.alarms.length + selection.events.length + selection.marks.length;
  return (
    <div className="map-panel map-panel--selection" data-testid="map-selection">
      <div className="map-panel__head">
        <span className="map-panel__title">{t('map.selection.title', { count: total })}</span>
        <Button size="small" type="text" icon={<CloseOutlined />} onClick={onClose} aria-label={t('map.close')} />
      </div>
      <div className="map-panel__body">
        {total === 0 && others === 0 ? (
          <Empty description={t('map.selection.empty')} />
        ) : (
          <Tabs
            size="small"
            items={[
              { key: 'type', label: t('map.selection.byType'), children: <ByType selection={selection} onFocus={onFocus} /> },
              { key: 'function', label: t('map.selection.byFunction'), children: <ByFunction selection={selection} /> },
            ]}
          />
        )}
        {others > 0 ? (
          <Typography.Text type="secondary" style={{ display: 'block', marginTop: 6 }}>
            {t('map.selection.others', { mines: selection.mines.length, alarms: selection.alarms.length, events: selection.events.length, marks: selection.marks.length })}
          </Typography.Text>
        ) : null}
      </div>
    </div>
  );
}

function ByType({ selection, onFocus }: { selection: GroupedSelection; onFocus: (type: SelectionType, id: string) => void }) {
  const t = useT();
  return (
    <Tabs
      size="small"
      tabPosition="left"
      items={SELECTION_TYPES.map((type) => ({
        key: type,
        label: (
          <span data-testid={`selection-type-${type}`} data-count={selection.byType[type].length}>
            {t(`map.type.${type}`)} <Badge count={selection.byType[type].length} showZero color={selection.byType[type].length ? '#1677ff' : '#595959'} size="small" />
          </span>
        ),
        children: (
          <List
            size="small"
            dataSource={selection.byType[type]}
            locale={{ emptyText: t('map.selection.none') }}
            style={{ maxHeight: 280, overflow: 'auto' }}
            renderItem={(item) => (
              <List.Item onClick={() => onFocus(type, item.id)} style={{ cursor: 'pointer' }} data-testid="selection-item">
                <Space>
                  <Tag color={item.online ? 'green' : 'default'}>{t(item.online ? 'map.detail.online' : 'map.detail.offline')}</Tag>
                  {item.name}
                </Space>
              </List.Item>
            )}
          />
        ),
      }))}
    />
  );
}

function ByFunction({ selection }: { selection: GroupedSelection }) {
  const t = useT();
  const { message } = App.useApp();
  const open = useOpenChannelsOnWall();
  const phone = usePhoneEngine();
  const lines = useAppSelector(selectLines);
  const registered = lines.some((l) => l.state === 'registered');
  const consult = async () => {
    if (!registered) {
      message.warning(t('map.selection.noPhoneLine'));
      return;
    }
    // One consultation: every party is dialled into it and joins when it answers.
    const conferenceId = `conf-${crypto.randomUUID().slice(0, 8)}`;
    const results = await Promise.allSettled(selection.phones.map((p) => phone.addToConference(conferenceId, p.number)));
    const dialled = results.filter((r) => r.status === 'fulfilled').length;
    if (dialled > 0)
      message.success({
        content: (
          <span data-testid="consult-started">
            {t('map.selection.consultStarted', { count: dialled })}{' '}
            <a onClick={() => (location.hash = '#/phone')}>{t('map.selection.toPhone')}</a>
          </span>
        ),
      });
    else message.error(t('map.selection.consultFailed'));
  };
  return (
    <List size="small">
      <List.Item
        actions={[
          <Button
            key="preview"
            type="primary"
            icon={<PlayCircleOutlined />}
            disabled={selection.channelIds.length === 0}
            data-testid="selection-preview"
            onClick={async () => {
              if (await open(selection.channelIds)) message.success(t('map.selection.previewed', { count: Math.min(16, selection.channelIds.length) }));
            }}
          >
            {t('map.selection.preview')}
          </Button>,
        ]}
      >
        <List.Item.Meta
          title={t('map.selection.preview')}
          description={selection.channelIds.length ? t('map.selection.previewHint', { count: Math.min(16, selection.channelIds.length) }) : t('map.selection.noChannels')}
        />
      </List.Item>
      <List.Item
        actions={[
          <Button key="consult" icon={<TeamOutlined />} disabled={selection.phones.length === 0} onClick={() => void consult()} data-testid="selection-consult">
            {t('map.selection.consult')}
          </Button>,
        ]}
      >
        <List.Item.Meta
          title={t('map.selection.consult')}
          description={selection.phones.length ? t('map.selection.consultHint', { count: selection.phones.length, names: selection.phones.map((p) => p.name).join('、') }) : t('map.selection.noPhones')}
        />
      </List.Item>
    </List>
  );
}
