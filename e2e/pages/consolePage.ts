import { expect, type Locator, type Page } from '@playwright/test';

/** The wall toolbar's transport choices, as labelled. */
export type Transport = 'Auto' | 'WebRTC' | 'JSMpeg' | 'FLV';

/** Page object of the console, keyed on data-* hooks, never on styling. */
export class ConsolePage {
  constructor(readonly page: Page) {}

  /**
   * Opens the console on a clean monitor 1 (the wall lives on the Node side and outlives pages, so every
   * test starts by clearing it and going back to the 4-split).
   */
  async open(url: string, opts: { keepWall?: boolean } = {}): Promise<void> {
    await this.page.goto(url);
    await expect(this.page.getByTestId('device-tree')).toBeVisible();
    await expect(this.page.getByTestId('wall-grid')).toBeVisible();
    if (opts.keepWall) return;
    await this.page.getByRole('button', { name: '清空本监视器' }).click();
    await this.setLayout('4');
    await expect(this.page.locator('[data-testid="tile"]:not([data-phase="empty"])')).toHaveCount(0);
  }

  async setLayout(id: '1' | '4' | '6' | '8' | '9' | '16' | '25'): Promise<void> {
    await this.page.getByTestId(`layout-${id}`).click();
    await expect(this.page.getByTestId('wall-grid')).toHaveAttribute('data-layout', id);
  }

  tiles(): Locator {
    return this.page.getByTestId('wall-grid').getByTestId('tile');
  }

  /** Channel ids of the visible tiles, in tile order ('' for an empty tile). */
  async tileChannels(): Promise<string[]> {
    return this.tiles().evaluateAll((els) => els.map((e) => e.getAttribute('data-channel-id') ?? ''));
  }

  async openPanel(panel: 'ptz' | 'tours' | 'scenes' | 'media'): Promise<void> {
    const button = this.page.getByTestId(`panel-${panel}`);
    if ((await button.getAttribute('class'))?.includes('ant-btn-primary') !== true) await button.click();
    await expect(button).toHaveClass(/ant-btn-primary/);
    await expect(this.page.getByTestId('side-panel')).toBeVisible();
  }

  nav(route: string): Locator {
    return this.page.getByTestId(`nav-${route}`);
  }

  async search(text: string): Promise<void> {
    await this.page.getByTestId('tree-search').locator('input').fill(text);
  }

  channel(channelId: string): Locator {
    return this.page.locator(`[data-testid="tree-channel"][data-channel-id="${channelId}"]`);
  }

  channels(): Locator {
    return this.page.getByTestId('tree-channel');
  }

  treeGroup(kind: 'city' | 'county' | 'mine' | 'category', key?: string): Locator {
    const base = `[data-testid="tree-${kind}"]`;
    return this.page.locator(key ? `${base}[data-node-key="${key}"]` : base);
  }

  /** Expands a tree node by clicking its switcher. */
  async expand(nodeTitle: Locator): Promise<void> {
    const treeNode = this.page.locator('.ant-tree-treenode', { has: nodeTitle });
    const switcher = treeNode.locator('.ant-tree-switcher').first();
    if (await switcher.evaluate((el) => el.classList.contains('ant-tree-switcher_close'))) await switcher.click();
    await expect(switcher).toHaveClass(/ant-tree-switcher_open/);
  }

  tile(index: number): Locator {
    return this.page.locator(`[data-testid="wall-grid"] [data-testid="tile"][data-tile-index="${index}"]`);
  }

  async selectTile(index: number): Promise<void> {
    await this.tile(index).click({ position: { x: 20, y: 60 } });
  }

  async setTransport(label: Transport): Promise<void> {
    const text = label === 'Auto' ? '自动' : label;
    await this.page.getByTestId('transport-switch').getByText(text, { exact: true }).click();
  }

  async playInTile(channelId: string, tile: number): Promise<void> {
    await this.selectTile(tile);
    await this.channel(channelId).dblclick();
    await expect(this.tile(tile)).toHaveAttribute('data-channel-id', channelId);
  }

  /** Opens the console, finds the channel by name and plays it in `tile` over `transport`, until it plays. */
  async playLive(url: string, channel: { id: string; name: string }, tile: number, transport: Transport): Promise<void> {
    await this.open(url);
    await this.setTransport(transport);
    await this.search(channel.name);
    await this.playInTile(channel.id, tile);
    await this.waitPlaying(tile);
  }

  async waitPlaying(tile: number, timeout = 15_000): Promise<void> {
    await expect(this.tile(tile)).toHaveAttribute('data-phase', 'playing', { timeout });
  }
}
