import fs from 'node:fs/promises';
import path from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.geojson': 'application/geo+json',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  // CesiumJS's bundled imagery (NaturalEarthII) and tile set description, sky box, etc.
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.xml': 'application/xml',
  '.ktx2': 'image/ktx2',
  '.glb': 'model/gltf-binary',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.mp3': 'audio/mpeg',
  '.wav': 'audio/wav',
};

/** Resolves a URL path to a file under `root`, refusing anything that escapes it. Unknown paths fall back to index.html (client routing). */
export async function readStaticFile(root: string, urlPath: string): Promise<{ body: Buffer; type: string; immutable: boolean } | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath.split('?')[0] ?? '/');
  } catch {
    return null;
  }
  const rel = path.normalize(decoded).replace(/^([/\\])+/, '');
  const file = path.resolve(root, rel === '' ? 'index.html' : rel);
  if (file !== root && !file.startsWith(root + path.sep)) return null;
  for (const candidate of [file, path.join(root, 'index.html')]) {
    try {
      const stat = await fs.stat(candidate);
      if (!stat.isFile()) continue;
      const body = await fs.readFile(candidate);
      const ext = path.extname(candidate).toLowerCase();
      return { body, type: TYPES[ext] ?? 'application/octet-stream', immutable: candidate.includes(`${path.sep}assets${path.sep}`) };
    } catch {
      // try the next candidate
    }
  }
  return null;
}
