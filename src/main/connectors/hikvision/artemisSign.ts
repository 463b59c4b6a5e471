/**
 * Request signature of the Hikvision ISC / HikCentral OpenAPI gateway ("artemis").
 *
 *   stringToSign = METHOD "\n"
 *                + Accept "\n"          (when the header is sent)
 *                + Content-MD5 "\n"     (when sent)
 *                + Content-Type "\n"    (when sent)
 *                + Date "\n"            (when sent)
 *                + for each signed header, sorted by lower-case name: name ":" value "\n"
 *                + path (with the `/artemis` prefix) [+ "?" + sorted `k=v` pairs joined by "&"]
 *   X-Ca-Signature = Base64(HMAC-SHA256(appSecret, stringToSign)), X-Ca-Signature-Headers = the signed names.
 *
 * Checked against public code: the Apache-2.0 Python signer `hikvision_openapi_signer` (Accurio, 2025) builds the
 * string exactly so — each of Accept/Content-MD5/Content-Type/Date contributes a line only when present, the other
 * headers are signed sorted as `lower-name:trimmed-value\n`, the path includes `/artemis`, sorted query pairs follow
 * a `?` — and the Hikvision Java SDK `ArtemisHttpUtil` users send `X-Ca-Signature-Headers: x-ca-key,x-ca-nonce,
 * x-ca-timestamp`. Query values are appended unencoded, as the Java SDK's `buildResource` does (keys without a
 * value appear bare).
 */
import { createHash, createHmac, randomUUID } from 'node:crypto';

export type ArtemisStringToSignInput = {
  method: string;
  accept: string | null;
  contentMd5: string | null;
  contentType: string | null;
  date: string | null;
  /** The headers that take part in the signature (name → value); names are compared in lower case. */
  signedHeaders: Readonly<Record<string, string>>;
  /** Full path on the gateway, e.g. `/artemis/api/resource/v1/cameras`. */
  path: string;
  query?: Readonly<Record<string, string>> | null;
};

/** Signed header names, lower case and sorted (what goes into X-Ca-Signature-Headers). */
export function signedHeaderNames(signedHeaders: Readonly<Record<string, string>>): string[] {
  return Object.keys(signedHeaders)
    .map((k) => k.toLowerCase())
    .sort();
}

export function artemisStringToSign(input: ArtemisStringToSignInput): string {
  let s = `${input.method.toUpperCase()}\n`;
  for (const v of [input.accept, input.contentMd5, input.contentType, input.date]) {
    if (v !== null) s += `${v}\n`;
  }
  const lower = new Map(Object.entries(input.signedHeaders).map(([k, v]) => [k.toLowerCase(), v.trim()]));
  for (const name of [...lower.keys()].sort()) s += `${name}:${lower.get(name) ?? ''}\n`;
  s += input.path;
  const query = input.query ? Object.keys(input.query).sort() : [];
  if (query.length > 0 && input.query) {
    const q = input.query;
    s += `?${query.map((k) => (q[k] ? `${k}=${q[k]}` : k)).join('&')}`;
  }
  return s;
}

export function artemisSignature(appSecret: string, stringToSign: string): string {
  return createHmac('sha256', appSecret).update(stringToSign, 'utf8').digest('base64');
}

/** Base64(MD5(body)), the Content-MD5 header value. */
export function contentMd5(body: string): string {
  return createHash('md5').update(body, 'utf8').digest('base64');
}

export type ArtemisSignRequest = {
  appKey: string;
  appSecret: string;
  method: 'POST' | 'GET';
  path: string;
  body: string | null;
  accept?: string;
  contentType?: string;
  query?: Readonly<Record<string, string>> | null;
  /** Injected in tests. */
  now?: () => number;
  nonce?: () => string;
};

export const ARTEMIS_ACCEPT = 'application/json';
export const ARTEMIS_CONTENT_TYPE = 'application/json;charset=UTF-8';

/**
 * The headers of a signed request: Accept, Content-Type, Content-MD5 (when there is a body), X-Ca-Key,
 * X-Ca-Timestamp (ms), X-Ca-Nonce (uuid), X-Ca-Signature-Headers and X-Ca-Signature. The secret only enters the HMAC.
 */
export function signArtemisRequest(req: ArtemisSignRequest): Record<string, string> {
  const accept = req.accept ?? ARTEMIS_ACCEPT;
  const contentType = req.contentType ?? ARTEMIS_CONTENT_TYPE;
  const md5 = req.body !== null && req.body !== '' ? contentMd5(req.body) : null;
  const signed: Record<string, string> = {
    'x-ca-key': req.appKey,
    'x-ca-nonce': (req.nonce ?? randomUUID)(),
    'x-ca-timestamp': String((req.now ?? Date.now)()),
  };
  const stringToSign = artemisStringToSign({
    method: req.method,
    accept,
    contentMd5: md5,
    contentType,
    date: null,
    signedHeaders: signed,
    path: req.path,
    query: req.query ?? null,
  });
  const headers: Record<string, string> = {
    Accept: accept,
    'Content-Type': contentType,
    'X-Ca-Key': signed['x-ca-key'] ?? '',
    'X-Ca-Nonce': signed['x-ca-nonce'] ?? '',
    'X-Ca-Timestamp': signed['x-ca-timestamp'] ?? '',
    'X-Ca-Signature-Headers': signedHeaderNames(signed).join(','),
    'X-Ca-Signature': artemisSignature(req.appSecret, stringToSign),
  };
  if (md5 !== null) headers['Content-MD5'] = md5;
  return headers;
}
