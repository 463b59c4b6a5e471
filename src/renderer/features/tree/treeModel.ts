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

/** Lower-case search text of every channel (name, GB id, place, mine, category, county), once per catalogue. */
const haystacks = new WeakMap<readonly Channel[], { mines: readonly Mine[]; hay: string[] }>();

function haystacksOf(catalogue: Pick<Catalogue, 'mines' | 'channels'>): string[] {
  const cached = haystacks.get(catalogue.channels);
  if (cached && cached.mines === catalogue.mines) return cached.hay;
  const mines = new Map(catalogue.mines.map((m) => [m.id, m]));
  const hay = catalogue.channels.map((channel) => {
    const mine = channel.mineId ? mines.get(channel.mineId) : undefined;
    // The county the tree files the channel under (its own, else its mine's), so a county's name finds all it shows.
    const county = channel.countyCode ?? mine?.countyCode ?? '';
    return [channel.name, channel.gbId ?? '', channel.place, mine?.name ?? '', mine?.shortName ?? '', categoryName.get(channel.categoryCode) ?? '', countyName.get(county) ?? '']
      .join('\n')
      .toLowerCase();
  });
  haystacks.set(catalogue.channels, { mines: catalogue.mines, hay });
  return hay;
}

/** The search terms of a query: lower case, split at white space. */
export function searchTerms(query: string): string[] {
  return query.toLowerCase().split(/\s+/).filter(Boolean);
}

function node(key: string, kind: TreeNodeKind, title: string, detail: string | null = null): DeviceTreeNode {
  return { key, kind, title, detail, online: 0, total: 0, channel: null, children: [] };
}

const collator = new Intl.Collator('zh-CN');
const byTitle = (a: DeviceTreeNode, b: DeviceTreeNode) => collator.compare(a.title, b.title);
const byKey = (a: DeviceTreeNode, b: DeviceTreeNode) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/** The full tree of a catalogue, built once per catalogue (RTK Query hands out the same arrays until it changes). */
const fullTrees = new WeakMap<readonly Channel[], { mines: readonly Mine[]; root: DeviceTreeNode }>();

function fullTree(catalogue: Pick<Catalogue, 'mines' | 'channels'>): DeviceTreeNode {
  const cached = fullTrees.get(catalogue.channels);
  if (cached && cached.mines === catalogue.mines) return cached.root;
  const mines = new Map(catalogue.mines.map((m) => [m.id, m]));
  const root = node('city', 'city', CITY.name);
  const counties = new Map<string, DeviceTreeNode>();
  const mineNodes = new Map<string, DeviceTreeNode>();
  const categoryNodes = new Map<string, DeviceTreeNode>();

  for (const channel of catalogue.channels) {
    const mine = channel.mineId ? mines.get(channel.mineId) : undefined;
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
  for (const county of root.children) {
    county.children.sort(byTitle);
    for (const mine of county.children) {
      mine.children.sort(byKey);
      for (const cat of mine.children) cat.children.sort(byTitle);
    }
  }
  fullTrees.set(catalogue.channels, { mines: catalogue.mines, root });
  return root;
}

/** A copy of `n` with only the channels `keep` accepts, and their counts; null when none is left. */
function filterNode(n: DeviceTreeNode, keep: (channel: Channel) => boolean): DeviceTreeNode | null {
  if (n.kind === 'channel') return n.channel && keep(n.channel) ? n : null;
  const copy: DeviceTreeNode = { ...n, online: 0, total: 0, children: [] };
  for (const child of n.children) {
    const kept = filterNode(child, keep);
    if (!kept) continue;
    copy.children.push(kept);
    copy.total += kept.total;
    copy.online += kept.online;
  }
  return copy.total > 0 ? copy : null;
}

/**
 * Builds 长治市 → 区县 → 煤矿 → 点位类别 → 通道 from the catalogue, keeping only channels that
 * match `query` (all terms, over name, GB id, place, mine, category and county). Every inner node
 * carries online/total counts of the channels below it. Sorted by county code order, mine name,
 * category code and channel name, so the tree is stable between refreshes.
 *
 * The full tree is built (and sorted) once per catalogue and shared: treat returned trees as read-only. A search
 * filters that tree over lower-case texts prepared once per catalogue, so a keystroke costs one pass over the
 * channels and no sorting.
 */
export function buildDeviceTree(catalogue: Pick<Catalogue, 'mines' | 'channels'>, query = ''): DeviceTreeNode {
  const root = fullTree(catalogue);
  const terms = searchTerms(query);
  if (terms.length === 0) return root;
  const hay = haystacksOf(catalogue);
  const matching = new Set<Channel>();
  catalogue.channels.forEach((channel, i) => {
    const text = hay[i]!;
    if (terms.every((term) => text.includes(term))) matching.add(channel);
  });
  return filterNode(root, (channel) => matching.has(channel)) ?? { ...root, online: 0, total: 0, children: [] };
}

/** A row of the rendered tree: inner nodes carry children only while expanded, so the tree widget sees only what shows. */
export type TreeRow = { key: string; title: string; node: DeviceTreeNode; isLeaf: boolean; children?: TreeRow[] };

/**
 * Rows for the tree widget. A collapsed inner node has no `children` (and `isLeaf: false`, so it keeps its expand
 * switcher): the widget then indexes only the expanded part (~100 rows for the default view of 10,000 channels)
 * instead of every node.
 */
export function treeRows(n: DeviceTreeNode, expanded: ReadonlySet<string>): TreeRow {
  const isLeaf = n.kind === 'channel';
  const row: TreeRow = { key: n.key, title: n.title, node: n, isLeaf };
  if (!isLeaf && expanded.has(n.key)) row.children = n.children.map((c) => treeRows(c, expanded));
  return row;
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
  const ids: string[] = [];
  const walk = (x: DeviceTreeNode) => {
    if (x.kind === 'channel') {
      if (x.channel) ids.push(x.channel.id);
    } else x.children.forEach(walk);
  };
  walk(n);
  return ids;
}

/**
 * Camera numbers for CCTV-keyboard addressing: 1.. in the full tree's order (county, mine, category,
 * name), so the number an operator learns follows the tree he sees.
 */
export function cameraNumbers(catalogue: Pick<Catalogue, 'mines' | 'channels'>): { byChannel: Map<string, number>; byNumber: Map<number, string> } {
  const ids = channelIdsUnder(buildDeviceTree(catalogue));
  return { byChannel: new Map(ids.map((id, i) => [id, i + 1])), byNumber: new Map(ids.map((id, i) => [i + 1, id])) };
}
