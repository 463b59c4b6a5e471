/** MIME type of a channel dragged from the device tree onto a tile. */
export const CHANNEL_DRAG_TYPE = 'application/x-mdc-channel';
