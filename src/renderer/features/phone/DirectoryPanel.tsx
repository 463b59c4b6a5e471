import { useMemo, useState } from 'react';
import { Badge, Button, Empty, Input, Tabs, Tooltip, Tree, type TreeDataNode } from 'antd';
import { PhoneOutlined, TeamOutlined, VideoCameraOutlined } from '@ant-design/icons';
import type { Contact, ContactGroup } from '../../../shared/domain/telephony';
import { useT } from '../../app/hooks';
import { buildDirectory, PRESENCE_COLOR, PRESENCE_TEXT, ROLE_TEXT, type DirectoryNode } from './directoryModel';
import { useGetPresenceQuery, useListContactsQuery } from './phoneApi';
import { usePresenceStatus } from './usePresenceStatus';
import { GroupsPanel } from './GroupsPanel';

type Props = {
  onCall: (contact: Contact) => void;
  onOpenMine: (mineId: string) => void;
  onGroupCall: (group: ContactGroup, members: Contact[]) => void;
  onRollCall: (group: ContactGroup, members: Contact[]) => void;
};

/** 通讯录: the organisation tree with live status and one-click calling, and the custom groups. */
export function DirectoryPanel({ onCall, onOpenMine, onGroupCall, onRollCall }: Props) {
  const t = useT();
  const [query, setQuery] = useState('');
  const { data: contacts = [], error } = useListContactsQuery();
  const { data: presence } = useGetPresenceQuery();
  const statusOf = usePresenceStatus();
  const tree = useMemo(() => buildDirectory(contacts, statusOf, query), [contacts, statusOf, query]);
  const treeData = useMemo(() => tree.map((n) => toTreeNode(n, onCall, onOpenMine, t)), [tree, onCall, onOpenMine, t]);
  const expanded = useMemo(() => unitKeys(tree, 4), [tree]);

  return (
    <div className="phone-directory" data-testid="phone-directory">
      <Tabs
        size="small"
        items={[
          {
            key: 'org',
            label: t('phone.directory'),
            children: (
              <>
                <Input.Search allowClear placeholder={t('phone.directory.search')} value={query} onChange={(e) => setQuery(e.target.value)} data-testid="directory-search" />
                {presence && !presence.available ? <div className="phone-directory__warn">{presence.reason ?? t('phone.presence.down')}</div> : null}
                <div className="phone-directory__legend">
                  {(['idle', 'busy', 'offline'] as const).map((s) => (
                    <Badge key={s} color={PRESENCE_COLOR[s]} text={PRESENCE_TEXT[s]} />
                  ))}
                </div>
                {error ? <Empty description={t('phone.directory.error')} /> : null}
                {!error && contacts.length === 0 ? <Empty description={t('phone.directory.empty')} /> : null}
                <Tree
                  className="phone-directory__tree"
                  blockNode
                  selectable={false}
                  key={`${query}|${expanded.length}`}
                  defaultExpandedKeys={expanded}
                  treeData={treeData}
                  height={600}
                />
              </>
            ),
          },
          {
            key: 'groups',
            label: (
              <span>
                <TeamOutlined /> {t('phone.groups')}
              </span>
            ),
            children: <GroupsPanel contacts={contacts} statusOf={statusOf} onGroupCall={onGroupCall} onRollCall={onRollCall} />,
          },
        ]}
      />
    </div>
  );
}

function unitKeys(nodes: DirectoryNode[], depth: number): string[] {
  if (depth <= 0) return [];
  return nodes.flatMap((n) => (n.kind === 'unit' ? [n.key, ...unitKeys(n.children, depth - 1)] : []));
}

function toTreeNode(
  node: DirectoryNode,
  onCall: (c: Contact) => void,
  onOpenMine: (mineId: string) => void,
  t: ReturnType<typeof useT>,
): TreeDataNode {
  if (node.kind === 'unit') {
    return {
      key: node.key,
      title: (
        <span className="phone-unit">
          <span className="phone-unit__name">{node.title}</span>
          <span className="phone-unit__count">
            {node.online}/{node.total}
          </span>
          {node.mineId ? (
            <Tooltip title={t('phone.openMineVideo')}>
              <Button
                size="small"
                type="text"
                icon={<VideoCameraOutlined />}
                aria-label={t('phone.openMineVideo')}
                onClick={(e) => {
                  e.stopPropagation();
                  onOpenMine(node.mineId!);
                }}
              />
            </Tooltip>
          ) : null}
        </span>
      ),
      children: node.children.map((ch) => toTreeNode(ch, onCall, onOpenMine, t)),
    };
  }
  const { contact, status } = node;
  return {
    key: node.key,
    isLeaf: true,
    title: (
      <span className="phone-contact" data-testid={`contact-${contact.number}`} data-status={status} onDoubleClick={() => onCall(contact)}>
        <Badge color={PRESENCE_COLOR[status]} />
        <span className="phone-contact__name">{contact.name}</span>
        <span className="phone-contact__role">{contact.org || ROLE_TEXT[contact.role]}</span>
        <span className="phone-contact__number">{contact.number}</span>
        <Button
          size="small"
          type="text"
          icon={<PhoneOutlined />}
          aria-label={t('phone.callContact', { name: contact.name })}
          data-testid={`call-${contact.number}`}
          onClick={(e) => {
            e.stopPropagation();
            onCall(contact);
          }}
        />
      </span>
    ),
  };
}
