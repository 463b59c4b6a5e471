import path from 'node:path';
import { readStaticFile } from '../web/staticFiles';
import { isAppUrl } from './security';

export type RendererHandlerOptions = {
  /** The built renderer (`dist/renderer`). */
  rendererDir: string;
  /** The Content-Security-Policy, read at every response so newly configured backends are allowed. */
  csp: () => string;
};

/**
 * The `app://console/` handler for `protocol.handle`: files of the built renderer only (paths that
 * escape the folder are refused by `readStaticFile`, unknown paths fall back to index.html), with the
 * CSP and nosniff headers. Written against the web-standard Request/Response so it runs under Node too.
 */
export function createRendererHandler({ rendererDir, csp }: RendererHandlerOptions): (request: Request) => Promise<Response> {
  const root = path.resolve(rendererDir);
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return plain(405, 'method not allowed');
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return plain(400, 'bad request');
    }
    if (!isAppUrl(request.url)) return plain(404, 'not found');
    const file = await readStaticFile(root, url.pathname);
    if (!file) return plain(404, '未找到 (not found). Run `npm run build` first.');
    // fs.readFile's Buffer is backed by a plain ArrayBuffer (never a SharedArrayBuffer).
    const body = request.method === 'HEAD' ? null : (file.body as Uint8Array<ArrayBuffer>);
    return new Response(body, {
      status: 200,
      headers: {
        'content-type': file.type,
        'content-security-policy': csp(),
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
        'cache-control': 'no-cache',
      },
    });
  };
}

function plain(status: number, text: string): Response {
  return new Response(text, { status, headers: { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' } });
}
