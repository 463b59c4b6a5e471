/**
 * The console's side of the lab's alarm sources: the file `--lab-alarms` reads (src/main/alarms/labAlarms.ts), with
 * one webhook input per generator source (AI boxes, the monitoring system, the one-key app), the broker
 * subscription when the lab runs mosquitto, and where the receiver listens.
 */
import { writeFileSync } from 'node:fs';
import type { AlarmOptions, SaveAlarmInput } from '../src/shared/domain/alarm';
import { LAB_ALARM_MAPPINGS, LAB_ALARM_SOURCE_IDS, type LabAlarmCategory } from './alarmGenerator';

const NAMES: Record<LabAlarmCategory, string> = { ai: '实验室 AI 盒子', device: '实验室监测监控系统', app: '实验室一键报警 App' };

/** The topic the lab's MQTT publishers use: `mine/<mine id>/alarms`. */
export const LAB_ALARM_TOPIC = 'mine/+/alarms';
export const LAB_MQTT_INPUT_ID = 'lab-mqtt';

export type LabAlarmsFileOptions = {
  token: string;
  /** The receiver's port (0: any free one, for tests that run beside a console). */
  receiverPort: number;
  mqtt?: { url: string; username: string; password: string };
  options?: Partial<Omit<AlarmOptions, 'receiver'>>;
};

export function labAlarmsFile(o: LabAlarmsFileOptions): { inputs: SaveAlarmInput[]; options: Partial<AlarmOptions> } {
  const inputs: SaveAlarmInput[] = (Object.keys(LAB_ALARM_SOURCE_IDS) as LabAlarmCategory[]).map((c) => ({
    id: LAB_ALARM_SOURCE_IDS[c],
    kind: 'webhook',
    name: NAMES[c],
    enabled: true,
    mapping: LAB_ALARM_MAPPINGS[c],
    secret: o.token,
  }));
  if (o.mqtt) {
    inputs.push({
      id: LAB_MQTT_INPUT_ID,
      kind: 'mqtt',
      name: '实验室 MQTT 报警',
      enabled: true,
      url: o.mqtt.url,
      username: o.mqtt.username,
      topics: [LAB_ALARM_TOPIC],
      mapping: LAB_ALARM_MAPPINGS.ai,
      secret: o.mqtt.password,
    });
  }
  return { inputs, options: { receiver: { host: '127.0.0.1', port: o.receiverPort }, ...o.options } };
}

/** Writes the file (0600: it holds the token and the broker password). */
export function writeLabAlarmsFile(file: string, o: LabAlarmsFileOptions): void {
  writeFileSync(file, JSON.stringify(labAlarmsFile(o), null, 2), { mode: 0o600 });
}
