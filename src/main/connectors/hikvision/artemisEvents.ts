import { z } from 'zod';
import type { ArtemisClient } from './artemisClient';

/**
 * Hikvision ISC / HikCentral event subscription (artemis eventService): the platform POSTs `OnEventNotify` batches
 * (`{method: "OnEventNotify", params: {ability, events: [{eventId, eventType, happenTime, srcIndex, srcName, data}]}}`)
 * of the subscribed event types to `eventDest`. A subscription is per appKey and event type: subscribing again
 * replaces the destination, unsubscribing a type ends it for this appKey.
 */
export const EVENT_SUBSCRIBE_PATH = '/api/eventService/v1/eventSubscriptionByEventTypes';
export const EVENT_UNSUBSCRIBE_PATH = '/api/eventService/v1/eventUnSubscriptionByEventTypes';

/** Both answer `data: null` (some versions an empty object); nothing in it is read. */
const ackSchema = z.unknown();

export async function subscribeEventTypes(client: ArtemisClient, eventTypes: readonly number[], eventDest: string): Promise<void> {
  await client.post(EVENT_SUBSCRIBE_PATH, { eventTypes: [...eventTypes], eventDest }, ackSchema);
}

export async function unsubscribeEventTypes(client: ArtemisClient, eventTypes: readonly number[]): Promise<void> {
  await client.post(EVENT_UNSUBSCRIBE_PATH, { eventTypes: [...eventTypes] }, ackSchema);
}
