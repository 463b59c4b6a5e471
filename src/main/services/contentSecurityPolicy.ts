/**
 * The console's Content-Security-Policy, the same for both hosts. Scripts come only from our own
 * origin (WASM allowed for the jsmpeg decoder); network access only to our host and the configured
 * backends; images only from our host and the map's configured tile servers (`imageOrigins`, 一张图).
 * Inline styles are allowed because antd's CSS-in-JS inserts <style> elements.
 */
export function contentSecurityPolicy(connectOrigins: readonly string[], imageOrigins: readonly string[] = []): string {
  const connect = ["'self'", ...new Set(connectOrigins)].join(' ');
  const img = ["'self'", 'data:', 'blob:', ...new Set(imageOrigins)].join(' ');
  return [
    "default-src 'none'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self' 'unsafe-inline'",
    `img-src ${img}`,
    "font-src 'self' data:",
    "media-src 'self' blob: mediastream:",
    `connect-src ${connect}`,
    "worker-src 'self' blob:",
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}
