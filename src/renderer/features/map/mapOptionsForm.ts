import { imageryLayerSchema, type ImageryLayer, type ImageryType, type MapOptions } from '../../../shared/domain/map';

/**
 * The 地图图层 settings card's pure side: the layer form's values to and from an ImageryLayer, the draft to the
 * saveMapOptions input, the schema's reasons by form field, and what the 测试 button fetches and how it reads the answer.
 */

export type SourceKind = ImageryLayer['source']['kind'];

/** One layer as the form edits it (every kind's fields at once; only the chosen kind's are kept). */
export type LayerValues = {
  id: string;
  name: string;
  type: ImageryType;
  kind: SourceKind;
  url: string;
  /** XYZ {s}: comma or space separated. */
  subdomains: string;
  layer: string;
  style: string;
  tileMatrixSetID: string;
  format: string;
  maximumLevel: number | null;
};

export const NEW_LAYER_VALUES: LayerValues = {
  id: '',
  name: '',
  type: 'satellite',
  kind: 'xyz',
  url: '',
  subdomains: '',
  layer: '',
  style: 'default',
  tileMatrixSetID: '',
  format: 'image/png',
  maximumLevel: 18,
};

export function toLayerValues(l: ImageryLayer): LayerValues {
  const s = l.source;
  return {
    ...NEW_LAYER_VALUES,
    id: l.id,
    name: l.name,
    type: l.type,
    kind: s.kind,
    url: s.url,
    maximumLevel: l.maximumLevel,
    ...(s.kind === 'xyz' ? { subdomains: (s.subdomains ?? []).join(',') } : {}),
    ...(s.kind === 'wmts' ? { layer: s.layer, style: s.style, tileMatrixSetID: s.tileMatrixSetID, format: s.format } : {}),
  };
}

/** The form's values as an imagery layer (trimmed; fields of other kinds dropped; not yet checked). */
export function toLayer(v: LayerValues): unknown {
  const url = (v.url ?? '').trim();
  const base = { id: (v.id ?? '').trim(), name: (v.name ?? '').trim(), type: v.type, maximumLevel: v.maximumLevel };
  switch (v.kind) {
    case 'xyz': {
      const subdomains = (v.subdomains ?? '').split(/[\s,，]+/).filter(Boolean);
      return { ...base, source: { kind: 'xyz', url, ...(subdomains.length > 0 ? { subdomains } : {}) } };
    }
    case 'tms':
      return { ...base, source: { kind: 'tms', url } };
    case 'wmts':
      return {
        ...base,
        source: {
          kind: 'wmts',
          url,
          layer: (v.layer ?? '').trim(),
          style: (v.style ?? '').trim(),
          tileMatrixSetID: (v.tileMatrixSetID ?? '').trim(),
          format: (v.format ?? '').trim(),
        },
      };
  }
}

/** What the card edits before saving: the terrain URL as typed (empty: none). */
export type MapDraft = { imagery: ImageryLayer[]; activeImageryId: string | null; terrainUrl: string };

export function toDraft(o: MapOptions): MapDraft {
  return { imagery: o.imagery, activeImageryId: o.activeImageryId, terrainUrl: o.terrainUrl ?? '' };
}

/** The saveMapOptions input of a draft (checked by mapOptionsSchema when saved). */
export function toMapOptions(d: MapDraft): unknown {
  const terrain = d.terrainUrl.trim();
  return { imagery: d.imagery, activeImageryId: d.activeImageryId, terrainUrl: terrain === '' ? null : terrain };
}

/** Whether two layers are the same configuration (what the 测试 button needs: the saved one is what the CSP allows). */
export function sameLayer(a: ImageryLayer | undefined, b: ImageryLayer | undefined): boolean {
  return a !== undefined && b !== undefined && JSON.stringify(toLayer(toLayerValues(a))) === JSON.stringify(toLayer(toLayerValues(b)));
}

const FIELD_OF_PATH: Record<string, keyof LayerValues> = {
  id: 'id',
  name: 'name',
  type: 'type',
  maximumLevel: 'maximumLevel',
  'source.url': 'url',
  'source.subdomains': 'subdomains',
  'source.layer': 'layer',
  'source.style': 'style',
  'source.tileMatrixSetID': 'tileMatrixSetID',
  'source.format': 'format',
  'source.kind': 'kind',
};

const HAS_CHINESE = /[\u4e00-\u9fff]/;

/**
 * imageryLayerSchema's reasons by form field (the first per field), plus a duplicate id among `otherIds`. The schema's
 * own messages are Chinese where they say something specific; zod's generic English ones become `generic`.
 */
export function layerFieldErrors(input: unknown, otherIds: readonly string[], messages: { generic: string; duplicateId: string }): Partial<Record<keyof LayerValues, string>> {
  const errors: Partial<Record<keyof LayerValues, string>> = {};
  const parsed = imageryLayerSchema.safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path.filter((p) => typeof p === 'string').join('.');
      const field = FIELD_OF_PATH[path] ?? (path.startsWith('source.subdomains') ? 'subdomains' : 'url');
      errors[field] ??= HAS_CHINESE.test(issue.message) ? issue.message : messages.generic;
    }
  }
  const id = (input as { id?: unknown }).id;
  if (!errors.id && typeof id === 'string' && otherIds.includes(id)) errors.id = messages.duplicateId;
  return errors;
}

// ── 测试: one request the map itself would make ──

export type Probe = {
  url: string;
  /** What the answer must contain to count as the right document (XML probes); tiles need only a 2xx. */
  expect?: { text: string; what: string }[];
  /** The XYZ level probed (0, then 1 when level 0 is missing). */
  level?: number;
};

function fillTemplate(url: string, values: Record<string, string>): string {
  return url.replace(/\{([^}]+)\}/g, (_, name: string) => values[name] ?? values[name.toLowerCase()] ?? '0');
}

/** Where to go with kvp parameters added to a base URL. */
function withQuery(url: string, params: string): string {
  return url + (url.includes('?') ? (/[?&]$/.test(url) ? '' : '&') : '?') + params;
}

/**
 * The requests that test a layer, tried in order until one is not a 404: XYZ tile 0/0/0 (then 1/0/0); TMS its
 * tilemapresource.xml; WMTS (KVP) GetCapabilities with the layer and tile matrix set in it, WMTS (RESTful template)
 * its tile 0/0/0.
 */
export function probesFor(layer: ImageryLayer): Probe[] {
  const s = layer.source;
  switch (s.kind) {
    case 'xyz': {
      const sub = s.subdomains?.[0] ?? 'a';
      return [0, 1]
        .filter((z) => z <= layer.maximumLevel)
        .map((z) => ({ url: fillTemplate(s.url, { z: String(z), x: '0', y: '0', s: sub, reverseX: '0', reverseY: String(2 ** z - 1), reverseZ: String(layer.maximumLevel - z) }), level: z }));
    }
    case 'tms':
      return [{ url: `${s.url.replace(/\/+$/, '')}/tilemapresource.xml`, expect: [{ text: '<TileMap', what: 'TileMap' }] }];
    case 'wmts':
      if (s.url.includes('{')) {
        return [
          {
            url: fillTemplate(s.url, { TileMatrix: '0', TileRow: '0', TileCol: '0', TileMatrixSet: s.tileMatrixSetID, Style: s.style || 'default', style: s.style || 'default', Layer: s.layer, layer: s.layer }),
            level: 0,
          },
        ];
      }
      return [
        {
          url: withQuery(s.url, 'SERVICE=WMTS&REQUEST=GetCapabilities&VERSION=1.0.0'),
          expect: [
            { text: 'Capabilities', what: 'Capabilities' },
            { text: `>${s.layer}<`, what: s.layer },
            { text: `>${s.tileMatrixSetID}<`, what: s.tileMatrixSetID },
          ],
        },
      ];
  }
}

export type ProbeResult =
  | { kind: 'ok'; url: string; level?: number }
  /** Answered, but not with what the map needs. */
  | { kind: 'http'; url: string; status: number }
  | { kind: 'missing'; url: string; what: string }
  /** Refused by the console's CSP: the page was loaded before the address was saved. */
  | { kind: 'csp'; url: string }
  /** Reachable, but without Access-Control-Allow-Origin: the map (WebGL textures, XHR) cannot use it. */
  | { kind: 'cors'; url: string }
  | { kind: 'unreachable'; url: string; message: string };

export type ProbeFetch = (url: string, init: { mode: 'cors' | 'no-cors'; signal?: AbortSignal }) => Promise<{ ok: boolean; status: number; type: string; text(): Promise<string> }>;

/**
 * Runs a layer's probes with `fetch`. `blocked(url)` says whether the CSP refused that URL (the renderer's
 * securitypolicyviolation events); a CORS-refused request is retried without CORS to tell "no CORS" from "down".
 */
export async function probeLayer(layer: ImageryLayer, fetchFn: ProbeFetch, blocked: (url: string) => Promise<boolean> | boolean, signal?: AbortSignal): Promise<ProbeResult> {
  const probes = probesFor(layer);
  let last: ProbeResult = { kind: 'unreachable', url: layer.source.url, message: '' };
  for (const probe of probes) {
    let res: Awaited<ReturnType<ProbeFetch>>;
    try {
      res = await fetchFn(probe.url, { mode: 'cors', signal });
    } catch (e) {
      if (await blocked(probe.url)) return { kind: 'csp', url: probe.url };
      try {
        const opaque = await fetchFn(probe.url, { mode: 'no-cors', signal });
        if (opaque.type === 'opaque') return { kind: 'cors', url: probe.url };
      } catch {
        // unreachable either way
      }
      return { kind: 'unreachable', url: probe.url, message: e instanceof Error ? e.message : String(e) };
    }
    if (!res.ok) {
      last = { kind: 'http', url: probe.url, status: res.status };
      if (res.status === 404) continue;
      return last;
    }
    if (probe.expect) {
      const body = await res.text();
      const absent = probe.expect.find((x) => !body.includes(x.text));
      if (absent) return { kind: 'missing', url: probe.url, what: absent.what };
    }
    return { kind: 'ok', url: probe.url, ...(probe.level !== undefined ? { level: probe.level } : {}) };
  }
  return last;
}
