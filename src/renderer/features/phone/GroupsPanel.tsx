import { useState } from 'react';
import { App, Badge, Button, Empty, Form, Input, List, Modal, Popconfirm, Select, Space } from 'antd';
import { AudioOutlined, DeleteOutlined, EditOutlined, OrderedListOutlined, PlusOutlined } from '@ant-design/icons';
import type { Contact, ContactGroup, PresenceState } from '../../../shared/domain/telephony';
import { useT } from '../../app/hooks';
import { PRESENCE_COLOR } from './directoryModel';
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
  const { message } = App.useApp();
  const { data: groups = [] } = useListGroupsQuery();
  const [saveGroup] = useSaveGroupMutation();
  const [deleteGroup] = useDeleteGroupMutation();
  const [editing, setEditing] = useState<ContactGroup | null>(null);
  const [form] = Form.useForm<{ name: string; memberIds: string[] }>();
  const byId = new Map(contacts.map((c) => [c.id, c]));
  const membersOf = (g: ContactGroup) => g.memberIds.map((id) => byId.get(id)).filter((c): c is Contact => c !== undefined);

  const openEditor = (g: ContactGroup | null) => {
    const group = g ?? { id: `g-${crypto.randomUUID().slice(0, 8)}`, name: '', memberIds: [] };
    setEditing(group);
    form.setFieldsValue({ name: group.name, memberIds: group.memberIds });
  };

  const submit = async () => {
    if (!editing) return;
    const values = await form.validateFields();
    const result = await saveGroup({ id: editing.id, name: values.name.trim(), memberIds: values.memberIds });
    if ('error' in result) message.error(`${t('phone.group.saveFailed')}：${(result.error as { message?: string }).message ?? ''}`);
    else setEditing(null);
  };

  return (
    <div className="phone-groups">
      <Button icon={<PlusOutlined />} block onClick={() => openEditor(null)} data-testid="group-new">
        {t('phone.group.new')}
      </Button>
      {groups.length === 0 ? <Empty description={t('phone.group.empty')} /> : null}
      <List
        size="small"
        dataSource={groups}
        renderItem={(g) => {
          const members = membersOf(g);
          return (
            <List.Item
              data-testid={`group-${g.name}`}
              actions={[
                <Button key="call" size="small" type="primary" icon={<AudioOutlined />} onClick={() => onGroupCall(g, members)} data-testid="group-call">
                  {t('phone.group.call')}
                </Button>,
                <Button key="roll" size="small" icon={<OrderedListOutlined />} onClick={() => onRollCall(g, members)} data-testid="group-rollcall">
                  {t('phone.group.rollCall')}
                </Button>,
                <Button key="edit" size="small" type="text" icon={<EditOutlined />} aria-label={t('phone.group.edit')} onClick={() => openEditor(g)} />,
                <Popconfirm key="del" title={t('phone.group.deleteConfirm', { name: g.name })} onConfirm={() => void deleteGroup(g.id)}>
                  <Button size="small" type="text" danger icon={<DeleteOutlined />} aria-label={t('phone.group.delete')} />
                </Popconfirm>,
              ]}
            >
              <List.Item.Meta
                title={`${g.name}（${members.length}）`}
                description={
                  <Space size={4} wrap>
                    {members.map((m) => (
                      <Badge key={m.id} color={PRESENCE_COLOR[statusOf(m.number)]} text={m.name} />
                    ))}
                  </Space>
                }
              />
            </List.Item>
          );
        }}
      />
      <Modal open={editing !== null} title={t('phone.group.editor')} onOk={() => void submit()} onCancel={() => setEditing(null)} okText={t('phone.save')} destroyOnHidden>
        <Form form={form} layout="vertical">
          <Form.Item name="name" label={t('phone.group.name')} rules={[{ required: true, whitespace: true, max: 64 }]}>
            <Input data-testid="group-name" />
          </Form.Item>
          <Form.Item name="memberIds" label={t('phone.group.members')} rules={[{ required: true, type: 'array', min: 1 }]}>
            <Select
              mode="multiple"
              showSearch
              optionFilterProp="label"
              aria-label={t('phone.group.members')}
              options={contacts.map((c) => ({ value: c.id, label: `${c.name} ${c.mineName ?? ''} ${c.number}` }))}
            />
          </Form.Item>
        </Form>
      </Modal>
    </div>
  );
}
