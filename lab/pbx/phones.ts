/**
 * The lab's telephones: baresip instances (one process each) registered over plain UDP. Mine dispatch rooms
 * of the lab's mines and more Changzhi mines, leaders, IP speakers and one phone that never answers. Each
 * auto-answer phone sends a sine tone of its own frequency for as long as the call lasts. sndfile records what each
 * phone hears and sends.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildChannels } from '../channels';
import { SIP_UDP_PORT } from './kamailioConfig';


export type LabPhoneRole = 'dispatch' | 'leader' | 'duty' | 'speaker';

export type LabPhone = {
  number: string;
  name: string;
  role: LabPhoneRole;
  /** The unit inside its place in the tree (调度室, 应急管理局 …). */
  org: string;
  /** County adcode (as in the video catalogue), null for the city level. */
  county: string | null;
  mineId: string | null;
  /** The mine's short name (e.g. 五阳煤矿). */
  mineName: string | null;
  /** 'never': rings until the caller gives up. */
  answer: 'auto' | 'never';
  /** Frequency of the tone it sends; null for a phone that never answers. */
  toneHz: number | null;
  /** baresip ctrl_tcp (netstring JSON) on 127.0.0.1. */
  ctrlPort: number;
  /** baresip SIP port on 127.0.0.1 (UDP; it also opens TCP there and TLS on the next port). */
  sipPort: number;
};

const DATA_DIR = fileURLToPath(new URL('../../assets/data/', import.meta.url));

export const PHONE_SIP_PORT_BASE = 5100;
/** baresip opens TLS on sip port + 1: instances are spaced by 4. */
export const PHONE_SIP_PORT_STEP = 4;
export const PHONE_CTRL_PORT_BASE = 5300;
export const PHONE_RTP_PORT_BASE = 31000;
export const PHONE_RTP_PORTS_EACH = 20;
const MINE_DISPATCH_ROOMS = 12;

type MineRecord = { id: string; short_name: string; county: string; county_adcode: string; status?: string };

function labMines(): MineRecord[] {
  const all = (JSON.parse(readFileSync(join(DATA_DIR, 'changzhi-coal-mines.json'), 'utf8')) as { mines: MineRecord[] }).mines;
  const byId = new Map(all.map((m) => [m.id, m]));
  // First the mines of the lab's video channels, then others round-robin over the counties not yet covered most.
  const picked: MineRecord[] = [];
  for (const ch of buildChannels()) {
    const m = byId.get(ch.mineId);
    if (m && !picked.includes(m)) picked.push(m);
  }
  const rest = all.filter((m) => !picked.includes(m) && (m.status ?? 'operating') === 'operating');
  const counties = [...new Set(rest.map((m) => m.county_adcode))].sort();
  const queues = new Map(counties.map((c) => [c, rest.filter((m) => m.county_adcode === c).sort((a, b) => a.id.localeCompare(b.id))]));
  while (picked.length < MINE_DISPATCH_ROOMS) {
    let added = false;
    for (const c of counties) {
      const m = queues.get(c)?.shift();
      if (m && picked.length < MINE_DISPATCH_ROOMS) {
        picked.push(m);
        added = true;
      }
    }
    if (!added) break;
  }
  return picked;
}

type PhoneDraft = Omit<LabPhone, 'toneHz' | 'ctrlPort' | 'sipPort'>;

/** The lab's phones, in a stable order (ports and tones follow it). */
export function buildPhones(): LabPhone[] {
  const mines = labMines();
  const first = mines[0];
  if (!first) throw new Error('no mines in the lab data');
  const drafts: PhoneDraft[] = [
    ...mines.map(
      (m, i): PhoneDraft => ({
        number: String(8001 + i),
        name: `${m.short_name}调度室`,
        role: 'dispatch',
        org: '调度室',
        county: m.county_adcode,
        mineId: m.id,
        mineName: m.short_name,
        answer: 'auto',
      }),
    ),
    { number: '6001', name: '市应急局值班领导', role: 'leader', org: '长治市应急管理局', county: null, mineId: null, mineName: null, answer: 'auto' },
    {
      number: '6002',
      name: `${first.county}应急局带班领导`,
      role: 'leader',
      org: `${first.county}应急管理局`,
      county: first.county_adcode,
      mineId: null,
      mineName: null,
      answer: 'auto',
    },
    ...mines.slice(0, 3).map(
      (m, i): PhoneDraft => ({
        number: String(7001 + i),
        name: `${m.short_name}广播音柱`,
        role: 'speaker',
        org: '广播',
        county: m.county_adcode,
        mineId: m.id,
        mineName: m.short_name,
        answer: 'auto',
      }),
    ),
  ];
  const never = mines[1] ?? first;
  drafts.push({
    number: '8999',
    name: `${never.short_name}井口值班室`,
    role: 'duty',
    org: '井口值班室',
    county: never.county_adcode,
    mineId: never.id,
    mineName: never.short_name,
    answer: 'never',
  });
  let tone = 0;
  return drafts.map((d, i) => ({
    ...d,
    toneHz: d.answer === 'auto' ? 300 + 40 * tone++ : null,
    ctrlPort: PHONE_CTRL_PORT_BASE + i,
    sipPort: PHONE_SIP_PORT_BASE + PHONE_SIP_PORT_STEP * i,
  }));
}

/** `<phonesDir>/<number>/`: baresip's config folder, and where sndfile writes its recordings. */
export function writeBaresipConfig(dir: string, p: LabPhone): void {
  mkdirSync(dir, { recursive: true });
  const rtpFirst = PHONE_RTP_PORT_BASE + PHONE_RTP_PORTS_EACH * (Number(p.ctrlPort) - PHONE_CTRL_PORT_BASE);
  const config = [
    'poll_method\t\tepoll',
    `sip_listen\t\t127.0.0.1:${p.sipPort}`,
    'net_interface\t\t127.0.0.1',
    'net_prefer_ipv6\t\tno',
    // A sine of the phone's own frequency, generated in real time. (aufile with a spoken prompt was tried first: under
    // the video lab's load its source sometimes never started, and the phone sent no audio for a whole call.)
    `audio_source\t\tausine,${p.toneHz ?? 440}`,
    // ausine makes 48 kHz stereo only; baresip resamples it to the codec's 8 kHz mono.
    'ausrc_srate\t\t48000',
    'ausrc_channels\t\t2',
    // aubridge pulls the far end's audio at real-time pace and drops it; ALSA's "null" device did not block, so each
    // phone in a call spun at ~80 % CPU and starved the console and the cameras on this 2-core machine.
    'audio_player\t\taubridge,lab',
    'audio_alert\t\taubridge,lab',
    'audio_level\t\tno',
    `rtp_ports\t\t${rtpFirst}-${rtpFirst + PHONE_RTP_PORTS_EACH - 1}`,
    'rtcp_mux\t\tno',
    // Like a desk phone: a call whose media stopped (the console vanished without a BYE) ends after 15 s.
    'rtp_timeout\t\t15',
    'jitter_buffer_delay\t5-10',
    'module_path\t\t/usr/lib/baresip/modules',
    'module\t\t\tg711.so',
    'module\t\t\taufile.so',
    'module\t\t\tausine.so',
    'module\t\t\taubridge.so',
    'module\t\t\tsndfile.so',
    'module_app\t\taccount.so',
    'module_app\t\tmenu.so',
    'module_app\t\tctrl_tcp.so',
    `ctrl_tcp_listen\t\t127.0.0.1:${p.ctrlPort}`,
    `snd_path\t\t${dir}`,
    '',
  ].join('\n');
  writeFileSync(join(dir, 'config'), config);
  const answermode = p.answer === 'auto' ? 'auto' : 'manual';
  // Registrations survive a Kamailio restart (usrloc persisted); regint 60 bounds the loss after a crash (SIGKILL).
  writeFileSync(
    join(dir, 'accounts'),
    `"${p.name}" <sip:${p.number}@127.0.0.1:${SIP_UDP_PORT};transport=udp>;auth_pass=none;answermode=${answermode};regint=60;audio_codecs=PCMU,PCMA\n`,
  );
  writeFileSync(join(dir, 'contacts'), '');
}
