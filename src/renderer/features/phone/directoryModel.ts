import type { Contact, ContactRole, PresenceSnapshot, PresenceState } from '../../../shared/domain/telephony';
import { CONTACT_ROLES } from '../../../shared/domain/telephony';
import { DISTRICTS } from '../../../shared/domain/referenceData';

const DISTRICT_NAME = new Map(DISTRICTS.map((d) => [d.adcode, d.name]));
/** A contact's county: an adcode (as in the video catalogue) shown by its name, or a name as given. */
export function countyName(county: string): string {
  return DISTRICT_NAME.get(county) ?? county;
}

/** The centre's unit name: contacts without county and mine sit here. */
export const CENTRE_NAME = '长治市应急指挥中心';

export type DirectoryNode =
  | { kind: 'unit'; key: string; title: string; level: 'centre' | 'county' | 'mine'; mineId: string | null; children: DirectoryNode[]; total: number; online: number }
  | { kind: 'contact'; key: string; contact: Contact; status: PresenceState };

/**
 * 中心 → 区县 → 煤矿 → people, each unit with online/total counts; `query` keeps contacts whose name, number, org,
 * mine or county contains every space-separated term.
 */
export function buildDirectory(contacts: readonly Contact[], statusOf: (number: string) => PresenceState, query = ''): DirectoryNode[] {
  const terms = query.trim().toLowerCase().split(/\s+/).filter(Boolean);
  const matches = (c: Contact) => {
    const hay = `${c.name} ${c.number} ${c.org} ${c.mineName ?? ''} ${c.county ? countyName(c.county) : ''} ${ROLE_TEXT[c.role]}`.toLowerCase();
    return terms.every((t) => hay.includes(t));
  };
  const centre = unit('centre', CENTRE_NAME, 'centre', null);
  const counties = new Map<string, UnitNode>();
  const mines = new Map<string, UnitNode>();
  const sorted = [...contacts].sort((a, b) => roleRank(a.role) - roleRank(b.role) || a.number.localeCompare(b.number));
  for (const c of sorted) {
    if (!matches(c)) continue;
    const leaf: DirectoryNode = { kind: 'contact', key: `contact:${c.id}`, contact: c, status: statusOf(c.number) };
    let parent: UnitNode = centre;
    if (c.county) {
      const name = c.county;
      parent = getOrCreate(counties, name, () => unit(`county:${name}`, countyName(name), 'county', null));
    }
    if (c.mineId) {
      const id = c.mineId;
      const county = parent;
      parent = getOrCreate(mines, id, () => {
        const mine = unit(`mine:${id}`, c.mineName ?? id, 'mine', id);
        county.children.push(mine);
        return mine;
      });
    }
    parent.children.push(leaf);
  }
  const countyNodes = [...counties.values()].sort((a, b) => a.title.localeCompare(b.title, 'zh-CN'));
  // People of a unit first, then its sub-units by name.
  const order = (n: UnitNode) => {
    n.children.sort((a, b) => (a.kind === b.kind ? (a.kind === 'unit' && b.kind === 'unit' ? a.title.localeCompare(b.title, 'zh-CN') : 0) : a.kind === 'contact' ? -1 : 1));
    n.children.forEach((ch) => ch.kind === 'unit' && order(ch));
  };
  centre.children.push(...countyNodes);
  order(centre);
  count(centre);
  return centre.children.length > 0 ? [centre] : [];
}

type UnitNode = Extract<DirectoryNode, { kind: 'unit' }>;

function getOrCreate<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let v = map.get(key);
  if (v === undefined) {
    v = make();
    map.set(key, v);
  }
  return v;
}

function unit(key: string, title: string, level: 'centre' | 'county' | 'mine', mineId: string | null): UnitNode {
  return { kind: 'unit', key, title, level, mineId, children: [], total: 0, online: 0 };
}

function count(node: DirectoryNode): { total: number; online: number } {
  if (node.kind === 'contact') return { total: 1, online: node.status === 'offline' ? 0 : 1 };
  let total = 0;
  let online = 0;
  for (const ch of node.children) {
    const c = count(ch);
    total += c.total;
    online += c.online;
  }
  node.total = total;
  node.online = online;
  return { total, online };
}

function roleRank(role: ContactRole): number {
  return CONTACT_ROLES.indexOf(role);
}

/**
 * A number's status: in a call of this console → busy; else what the PBX says; unknown to a PBX that answered →
 * offline (异常); without any PBX view → idle (no evidence of trouble).
 */
export function presenceOf(number: string, presence: PresenceSnapshot | undefined, ourBusy: ReadonlySet<string>): PresenceState {
  if (ourBusy.has(number)) return 'busy';
  const known = presence?.states[number];
  if (known) return known;
  if (presence && (presence.available || Object.keys(presence.states).length > 0)) return 'offline';
  return 'idle';
}

export const ROLE_TEXT: Record<ContactRole, string> = {
  dispatch: '调度室',
  leader: '带班领导',
  duty: '值班员',
  safety: '安监',
  rescue: '救护队',
  speaker: '广播音柱',
  column: '报警柱',
  ipc: '带喇叭摄像机',
  other: '其他',
};

/** Seed colours: 空闲 grey, 异常 red, 工作 green. */
export const PRESENCE_COLOR: Record<PresenceState, string> = { idle: '#8c8c8c', offline: '#ff4d4f', busy: '#52c41a' };
export const PRESENCE_TEXT: Record<PresenceState, string> = { idle: '空闲', offline: '异常', busy: '工作' };
