import { z } from 'zod';

/**
 * 一张图: the offline map's own settings (the private network's tile and terrain servers) and the named marks
 * operators place on it. Without configured layers the map uses the imagery bundled with CesiumJS
 * (NaturalEarthII, levels 0–2) and the bundled district outlines: it never asks the internet for anything.
 */

/**
 * An http(s) address of one server: its origin goes into the CSP, so the host must be a plain name or IP address
 * (a `*` would open img-src and connect-src to every host). Template placeholders ({z}, {s} …) may follow.
 */
const httpUrl = z
  .string()
  .max(500)
  .regex(/^https?:\/\/[^\s]+$/, '地址应以 http:// 或 https:// 开头')
  .refine((u) => isPlainServer(u), '地址的主机须是具体的主机名或 IP 地址（不能含 * 等通配符）');

function isPlainServer(url: string): boolean {
  try {
    const host = new URL(url.replaceAll('{s}', 'a').replace(/\{[^}]*\}/g, '0')).hostname;
    return /^[A-Za-z0-9.-]+$/.test(host) || /^\[[0-9A-Fa-f:.]+\]$/.test(host);
  } catch {
    return false;
  }
}

/**
 * An imagery source of the private network.
 * - xyz: a URL template with {z}/{x}/{y} (and optionally {s} with `subdomains`), e.g. a GeoServer/MapProxy XYZ cache.
 * - tms: the base URL of a TMS tile set (tilemapresource.xml, y from the south), e.g. gdal2tiles output.
 * - wmts: a RESTful or KVP WMTS with its layer, style, tile matrix set and format.
 */
export const imagerySourceSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('xyz'),
      url: httpUrl.refine((u) => u.includes('{z}') && u.includes('{x}') && u.includes('{y}'), 'XYZ 地址须包含 {z}、{x}、{y}'),
      subdomains: z.array(z.string().regex(/^[A-Za-z0-9-]{1,16}$/)).max(8).optional(),
    })
    .strict(),
  z.object({ kind: z.literal('tms'), url: httpUrl }).strict(),
  z
    .object({
      kind: z.literal('wmts'),
      url: httpUrl,
      layer: z.string().min(1).max(100),
      style: z.string().max(100),
      tileMatrixSetID: z.string().min(1).max(100),
      format: z.string().max(50),
    })
    .strict(),
]);
export type ImagerySource = z.infer<typeof imagerySourceSchema>;

/** 卫星地图 (imagery) or 瓦片地图 (a rendered street/vector map as tiles). */
export const imageryTypeSchema = z.enum(['satellite', 'tile']);
export type ImageryType = z.infer<typeof imageryTypeSchema>;

export const imageryLayerSchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, '编号只能包含字母、数字、_、-（1–32 个字符）'),
    name: z.string().min(1).max(50),
    type: imageryTypeSchema,
    source: imagerySourceSchema,
    /** Deepest level the server has (tiles deeper than this are not requested). */
    maximumLevel: z.number().int().min(0).max(22),
  })
  .strict();
export type ImageryLayer = z.infer<typeof imageryLayerSchema>;

export const mapOptionsSchema = z
  .object({
    /** The private network's imagery layers; none means the bundled NaturalEarthII only. */
    imagery: z.array(imageryLayerSchema).max(16),
    /** The layer shown at start (null: the bundled imagery). */
    activeImageryId: z.string().max(32).nullable(),
    /** A quantized-mesh terrain server (Cesium terrain format, layer.json at this URL); null: the plain ellipsoid. */
    terrainUrl: httpUrl.nullable(),
  })
  .strict()
  .refine((o) => new Set(o.imagery.map((l) => l.id)).size === o.imagery.length, { message: '图层编号重复', path: ['imagery'] })
  .refine((o) => o.activeImageryId === null || o.imagery.some((l) => l.id === o.activeImageryId), { message: '默认图层不存在', path: ['activeImageryId'] });
export type MapOptions = z.infer<typeof mapOptionsSchema>;

export const DEFAULT_MAP_OPTIONS: MapOptions = { imagery: [], activeImageryId: null, terrainUrl: null };

/** Every origin the map may load tiles or terrain from (for the CSP's img-src and connect-src). */
export function mapOrigins(options: MapOptions): string[] {
  const urls = [...options.imagery.map((l) => l.source.url), ...(options.terrainUrl ? [options.terrainUrl] : [])];
  const origins = new Set<string>();
  for (const url of urls) {
    // Templates carry {s} in the host: allow every listed subdomain.
    const layer = options.imagery.find((l) => l.source.url === url);
    const subdomains = layer?.source.kind === 'xyz' && url.includes('{s}') ? (layer.source.subdomains ?? ['a', 'b', 'c']) : [''];
    for (const s of subdomains) {
      try {
        const origin = new URL(url.replaceAll('{s}', s).replace(/\{[^}]*\}/g, '0')).origin;
        // Never a wildcard into the CSP, whatever got into the settings.
        if (!origin.includes('*')) origins.add(origin);
      } catch {
        // refused by the schema already
      }
    }
  }
  return [...origins];
}

/** A named mark (标记) placed by an operator; kept in SQLite. */
export const mapMarkSchema = z
  .object({
    id: z.string().max(64),
    name: z.string().min(1).max(50),
    note: z.string().max(500),
    lon: z.number().min(-180).max(180),
    lat: z.number().min(-90).max(90),
    createdAt: z.number().int(),
    updatedAt: z.number().int(),
  })
  .strict();
export type MapMark = z.infer<typeof mapMarkSchema>;

/** Without id a new mark; with the id of a stored one its new name, note or place. */
export const saveMapMarkInputSchema = z
  .object({
    id: z.string().max(64).optional(),
    name: z.string().trim().min(1, '请输入标记名称').max(50),
    note: z.string().max(500).default(''),
    lon: z.number().min(-180).max(180),
    lat: z.number().min(-90).max(90),
  })
  .strict();
export type SaveMapMarkInput = z.input<typeof saveMapMarkInputSchema>;
