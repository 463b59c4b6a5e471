import { Button } from 'antd';
import { AudioOutlined, OrderedListOutlined } from '@ant-design/icons';
import type { Contact, ContactGroup, PresenceState } from '../../../shared/domain/telephony';
import { useT } from '../../app/hooks';
import { MemberGroupList } from './MemberGroupList';
import { useDeleteGroupMutation, useListGroupsQuery, useSaveGroupMutation } from './phoneApi';

type Props = {
  contacts: Contact[];
  statusOf: (number: string) => PresenceState;
  onGroupCall: (group: ContactGroup, members: Contact[]) => void;
  onRollCall: (group: ContactGroup, members: Contact[]) => void;
};

/** 自定义组: groups of the directory, with group call (all ring at once) and roll-call (one after another). */
export function GroupsPanel({ contacts, statusOf, onGroupCall, onRollCall }: Props) {
  const t = useT();
  const { data: groups = [] } = useListGroupsQuery();
  const [saveGroup] = useSaveGroupMutation();
  const [deleteGroup] = useDeleteGroupMutation();
  return (
    <MemberGroupList
      groups={groups}
      contacts={contacts}
      statusOf={statusOf}
      save={(g) => saveGroup(g)}
      remove={(id) => deleteGroup(id)}
      testIdPrefix="group"
      texts={{
        new: t('phone.group.new'),
        empty: t('phone.group.empty'),
        editor: t('phone.group.editor'),
        name: t('phone.group.name'),
        members: t('phone.group.members'),
        deleteConfirm: (name) => t('phone.group.deleteConfirm', { name }),
        saveFailed: t('phone.group.saveFailed'),
      }}
      actions={(g, members) => [
        <Button key="call" size="small" type="primary" icon={<AudioOutlined />} onClick={() => onGroupCall(g, members)} data-testid="group-call">
          {t('phone.group.call')}
        </Button>,
        <Button key="roll" size="small" icon={<OrderedListOutlined />} onClick={() => onRollCall(g, members)} data-testid="group-rollcall">
          {t('phone.group.rollCall')}
        </Button>,
      ]}
    />
  );
}
