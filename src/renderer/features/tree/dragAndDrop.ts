/** MIME type of a channel dragged from the device tree onto a tile. */
export const CHANNEL_DRAG_TYPE = 'application/x-mdc-channel';
/** A whole mine, county or point category from the tree: JSON array of channel ids, in tree order. */
export const CHANNELS_DRAG_TYPE = 'application/x-mdc-channels';
/** A tile dragged onto another tile (swap): JSON `{monitor, tile}`. */
export const TILE_DRAG_TYPE = 'application/x-mdc-tile';
