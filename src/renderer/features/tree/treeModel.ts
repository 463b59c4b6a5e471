import type { Catalogue, Channel, Mine } from '../../../shared/domain/catalogue';
import { CITY, DISTRICTS, POINT_CATEGORIES } from '../../../shared/domain/referenceData';

export type TreeNodeKind = 'city' | 'county' | 'mine' | 'category' | 'channel';

export type DeviceTreeNode = {
  key: string;
  kind: TreeNodeKind;
  title: string;
  /** Full name for tooltips (mine legal name, channel GB id). */
  detail: string | null;
  online: number;
  total: number;
  channel: Channel | null;
  children: DeviceTreeNode[];
};

const UNASSIGNED_COUNTY = '000000';
const UNASSIGNED_MINE = '__unassigned__';

const categoryName = new Map(POINT_CATEGORIES.map((c) => [c.code, c.name]));
const countyName = new Map(DISTRICTS.map((d) => [d.adcode, d.name]));
const countyOrder = new Map(DISTRICTS.map((d, i) => [d.adcode, i]));

export function categoryLabel(code: string): string {
  return `${code} ${categoryName.get(code) ?? '未分类'}`;
}

function matches(channel: Channel, mine: Mine | undefined, query: string): boolean {
  if (!query) return true;
  const hay = [
    channel.name,
    channel.gbId ?? '',
    channel.place,
    mine?.name ?? '',
    mine?.shortName ?? '',
    categoryName.get(channel.categoryCode) ?? '',
    countyName.get(channel.countyCode ?? '') ?? '',
  ]
    .join('\n')
    .toLowerCase();
  return query
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((term) => hay.includes(term));
}

function node(key: string, kind: TreeNodeKind, title: string, detail: string | null = null): DeviceTreeNode {
  return { key, kind, title, detail, online: 0, total: 0, channel: null, children: [] };
}

/**
 * Builds 长治市 → 区县 → 煤矿 → 点位类别 → 通道 from the catalogue, keeping only channels that
 * match `query` (all terms, over name, GB id, place, mine, category and county). Every inner node
 * carries online/total counts of the channels below it. Sorted by county code order, mine name,
 * category code and channel name, so the tree is stable between refreshes.
 */
export function buildDeviceTree(catalogue: Pick<Catalogue, 'mines' | 'channels'>, query = ''): DeviceTreeNode {
  const mines = new Map(catalogue.mines.map((m) => [m.id, m]));
  const root = node('city', 'city', CITY.name);
  const counties = new Map<string, DeviceTreeNode>();
  const mineNodes = new Map<string, DeviceTreeNode>();
  const categoryNodes = new Map<string, DeviceTreeNode>();
  const q = query.trim();

  for (const channel of catalogue.channels) {
    const mine = channel.mineId ? mines.get(channel.mineId) : undefined;
    if (!matches(channel, mine, q)) continue;
    const countyCode = channel.countyCode ?? mine?.countyCode ?? UNASSIGNED_COUNTY;
    let county = counties.get(countyCode);
    if (!county) {
      county = node(`county:${countyCode}`, 'county', countyName.get(countyCode) ?? (countyCode === UNASSIGNED_COUNTY ? '未归属区县' : countyCode));
      counties.set(countyCode, county);
    }
    const mineId = channel.mineId ?? UNASSIGNED_MINE;
    const mineKey = `${countyCode}/${mineId}`;
    let mineNode = mineNodes.get(mineKey);
    if (!mineNode) {
      mineNode = node(`mine:${mineKey}`, 'mine', mine?.shortName ?? (mineId === UNASSIGNED_MINE ? '未归属煤矿' : mineId), mine?.name ?? null);
      mineNodes.set(mineKey, mineNode);
      county.children.push(mineNode);
    }
    const catKey = `${mineKey}/${channel.categoryCode}`;
    let cat = categoryNodes.get(catKey);
    if (!cat) {
      cat = node(`cat:${catKey}`, 'category', categoryLabel(channel.categoryCode));
      categoryNodes.set(catKey, cat);
      mineNode.children.push(cat);
    }
    const leaf = node(`ch:${channel.id}`, 'channel', channel.name, channel.gbId);
    leaf.channel = channel;
    leaf.total = 1;
    leaf.online = channel.online ? 1 : 0;
    cat.children.push(leaf);
    for (const n of [cat, mineNode, county, root]) {
      n.total += 1;
      if (channel.online) n.online += 1;
    }
  }

  root.children = [...counties.entries()]
    .sort(([a], [b]) => (countyOrder.get(a) ?? 99) - (countyOrder.get(b) ?? 99))
    .map(([, county]) => county);
  const byTitle = (a: DeviceTreeNode, b: DeviceTreeNode) => a.title.localeCompare(b.title, 'zh-CN');
  for (const county of root.children) {
    county.children.sort(byTitle);
    for (const mine of county.children) {
      mine.children.sort((a, b) => a.key.localeCompare(b.key));
      for (const cat of mine.children) cat.children.sort(byTitle);
    }
  }
  return root;
}

/** Keys of every inner node, to expand a filtered tree fully. */
export function innerKeys(root: DeviceTreeNode): string[] {
  const keys: string[] = [];
  const walk = (n: DeviceTreeNode) => {
    if (n.kind === 'channel') return;
    keys.push(n.key);
    n.children.forEach(walk);
  };
  walk(root);
  return keys;
}

/** Channel ids below a node, in tree order (dragging a mine or a category fills the wall in this order). */
export function channelIdsUnder(n: DeviceTreeNode): string[] {
  if (n.kind === 'channel') return n.channel ? [n.channel.id] : [];
  return n.children.flatMap(channelIdsUnder);
}

/**
 * Camera numbers for CCTV-keyboard addressing: 1.. in the full tree's order (county, mine, category,
 * name), so the number an operator learns follows the tree he sees.
 */
export function cameraNumbers(catalogue: Pick<Catalogue, 'mines' | 'channels'>): { byChannel: Map<string, number>; byNumber: Map<number, string> } {
  const ids = channelIdsUnder(buildDeviceTree(catalogue));
  return { byChannel: new Map(ids.map((id, i) => [id, i + 1])), byNumber: new Map(ids.map((id, i) => [i + 1, id])) };
}
