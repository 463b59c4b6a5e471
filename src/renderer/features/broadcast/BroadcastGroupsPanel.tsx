import { useMemo } from 'react';
import { Button } from 'antd';
import { SoundOutlined } from '@ant-design/icons';
import type { BroadcastGroup } from '../../../shared/domain/broadcast';
import { useT } from '../../app/hooks';
import { MemberGroupList } from '../phone/MemberGroupList';
import { useListContactsQuery } from '../phone/phoneApi';
import { usePresenceStatus } from '../phone/usePresenceStatus';
import { useDeleteBroadcastGroupMutation, useListBroadcastGroupsQuery, useListRtpRoutesQuery, useSaveBroadcastGroupMutation } from './broadcastApi';
import { isBroadcastDevice } from './broadcastModel';

type Props = { selectedId: string | null; onSelect: (group: BroadcastGroup) => void };

/** 广播分组: groups of broadcast endpoints (directory entries) with their live status; picking one targets it. */
export function BroadcastGroupsPanel({ selectedId, onSelect }: Props) {
  const t = useT();
  const { data: groups = [] } = useListBroadcastGroupsQuery();
  const { data: contacts = [] } = useListContactsQuery();
  const { data: routes = [] } = useListRtpRoutesQuery();
  const rtpNumbers = useMemo(() => {
    const routed = new Set(routes.map((r) => r.contactId));
    return new Set(contacts.filter((c) => routed.has(c.id)).map((c) => c.number));
  }, [routes, contacts]);
  const statusOf = usePresenceStatus(rtpNumbers);
  const [save] = useSaveBroadcastGroupMutation();
  const [remove] = useDeleteBroadcastGroupMutation();
  return (
    <section className="broadcast-groups" data-testid="broadcast-groups">
      <h3 className="panel-title">{t('broadcast.groups')}</h3>
      <MemberGroupList
        groups={groups}
        contacts={contacts}
        statusOf={statusOf}
        save={(g) => save(g)}
        remove={(id) => remove(id)}
        preferred={isBroadcastDevice}
        selectedId={selectedId}
        onSelect={onSelect}
        testIdPrefix="bgroup"
        texts={{
          new: t('broadcast.group.new'),
          empty: t('broadcast.group.empty'),
          editor: t('broadcast.group.edit'),
          name: t('broadcast.group.name'),
          members: t('broadcast.group.members'),
          deleteConfirm: (name) => t('broadcast.group.deleteConfirm', { name }),
          saveFailed: t('phone.group.saveFailed'),
        }}
        actions={(g) => [
          <Button
            key="pick"
            size="small"
            type={g.id === selectedId ? 'primary' : 'default'}
            icon={<SoundOutlined />}
            onClick={(e) => {
              e.stopPropagation();
              onSelect(g);
            }}
            data-testid="bgroup-pick"
          >
            {t('broadcast.pick')}
          </Button>,
        ]}
      />
    </section>
  );
}
