import { useState, type ReactNode } from 'react';
import { App, Badge, Button, Empty, Form, Input, List, Modal, Popconfirm, Select, Space } from 'antd';
import { DeleteOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import type { Contact, ContactGroup, PresenceState } from '../../../shared/domain/telephony';
import { useT } from '../../app/hooks';
import { PRESENCE_COLOR } from './directoryModel';

export type MemberGroupTexts = { new: string; empty: string; editor: string; name: string; members: string; deleteConfirm: (name: string) => string; saveFailed: string };

type Props = {
  groups: ContactGroup[];
  contacts: Contact[];
  statusOf: (number: string) => PresenceState;
  save: (group: ContactGroup) => Promise<{ error?: unknown }>;
  remove: (id: string) => Promise<{ error?: unknown }>;
  /** Buttons of a group's row. */
  actions: (group: ContactGroup, members: Contact[]) => ReactNode[];
  texts: MemberGroupTexts;
  /** Contacts listed first in the member picker (e.g. speakers for a broadcast group). */
  preferred?: (c: Contact) => boolean;
  /** A group the page has picked (highlighted). */
  selectedId?: string | null;
  onSelect?: (group: ContactGroup) => void;
  testIdPrefix: string;
};

/** Groups of directory entries with their members' live status and an editor: call groups and broadcast groups. */
export function MemberGroupList({ groups, contacts, statusOf, save, remove, actions, texts, preferred, selectedId, onSelect, testIdPrefix }: Props) {
  const t = useT();
  const { message } = App.useApp();
  const [editing, setEditing] = useState<ContactGroup | null>(null);
  const [form] = Form.useForm<{ name: string; memberIds: string[] }>();
  const byId = new Map(contacts.map((c) => [c.id, c]));
  const membersOf = (g: ContactGroup) => g.memberIds.map((id) => byId.get(id)).filter((c): c is Contact => c !== undefined);
  const choices = preferred ? [...contacts.filter(preferred), ...contacts.filter((c) => !preferred(c))] : contacts;

  const openEditor = (g: ContactGroup | null) => {
    const group = g ?? { id: `g-${crypto.randomUUID().slice(0, 8)}`, name: '', memberIds: [] };
    setEditing(group);
    form.setFieldsValue({ name: group.name, memberIds: group.memberIds });
  };

  const submit = async () => {
    if (!editing) return;
    const values = await form.validateFields();
    const result = await save({ id: editing.id, name: values.name.trim(), memberIds: values.memberIds });
    if (result.error) message.error(`${texts.saveFailed}：${(result.error as { message?: string }).message ?? ''}`);
    else setEditing(null);
  };

  const fail = (result: { error?: unknown }) => {
    if (result.error) message.error((result.error as { message?: string }).message ?? String(result.error));
  };

  return (
    <div className="member-groups">
      <Button icon={<PlusOutlined />} block onClick={() => openEditor(null)} data-testid={`${testIdPrefix}-new`}>
        {texts.new}
      </Button>
      {groups.length === 0 ? <Empty description={texts.empty} /> : null}
      <List
        size="small"
        itemLayout="vertical"
        dataSource={groups}
        renderItem={(g) => {
          const members = membersOf(g);
          return (
            <List.Item
              data-testid={`${testIdPrefix}-${g.name}`}
              className={g.id === selectedId ? 'member-groups__item member-groups__item--selected' : 'member-groups__item'}
              onClick={onSelect ? () => onSelect(g) : undefined}
              actions={[
                ...actions(g, members),
                <Button key="edit" size="small" type="text" icon={<EditOutlined />} aria-label={t('phone.group.edit')} onClick={() => openEditor(g)} />,
                <Popconfirm key="del" title={texts.deleteConfirm(g.name)} onConfirm={() => void remove(g.id).then(fail)}>
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
      <Modal open={editing !== null} title={texts.editor} onOk={() => void submit()} onCancel={() => setEditing(null)} okText={t('phone.save')} destroyOnHidden>
        <Form form={form} layout="vertical">
          <Form.Item name="name" label={texts.name} rules={[{ required: true, whitespace: true, max: 64 }]}>
            <Input data-testid={`${testIdPrefix}-name`} />
          </Form.Item>
          <Form.Item name="memberIds" label={texts.members} rules={[{ required: true, type: 'array', min: 1 }]}>
            <Select
              mode="multiple"
              showSearch
              optionFilterProp="label"
              aria-label={texts.members}
              options={choices.map((c) => ({ value: c.id, label: `${c.name} ${c.mineName ?? ''} ${c.number}` }))}
            />
          </Form.Item>
        </Form>
      </Modal>
    </div>
  );
}
