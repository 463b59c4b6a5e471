import { z } from 'zod';

/**
 * An MQTT broker as the settings name it (seat sync, MQTT alarm inputs, the GPS feed): its address without
 * credentials (the password lives in the SecretStore) and the account name.
 */
export const brokerUrlSchema = z.string().regex(/^mqtts?:\/\/[^\s/@]+(:\d{1,5})?\/?$/, '地址应为 mqtt://主机:端口 或 mqtts://主机:端口（不含用户名密码）');
export const brokerUsernameSchema = z.string().min(1).max(64).nullable();
/** What a save takes beside the config: the password when new or replaced (omitted: kept; null: removed). */
export const brokerPasswordInputSchema = z.string().min(1).max(256).nullable().optional();
