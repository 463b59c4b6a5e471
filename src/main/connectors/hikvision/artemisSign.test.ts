import { describe, expect, it } from 'vitest';
import { artemisSignature, artemisStringToSign, contentMd5, signArtemisRequest, signedHeaderNames } from './artemisSign';

/*
 * Hand-computed vector (no official one was found in public code). Computed once with node:crypto:
 *   const body = '{"pageNo":1,"pageSize":1000}';
 *   createHash('md5').update(body).digest('base64')                       → 'KcSw7gwYkVtWQgd2eWbcpQ=='
 *   createHmac('sha256', 'mcsioUGkT5GRMZTvjwA1').update(STRING).digest('base64')
 *                                                                           → 'j8HkmdsycaIGrn4mCOElJwfjoMUawmEbBNz8a4RcSlw='
 */
const BODY = '{"pageNo":1,"pageSize":1000}';
const STRING =
  'POST\napplication/json\nKcSw7gwYkVtWQgd2eWbcpQ==\napplication/json;charset=UTF-8\n' +
  'x-ca-key:24747926\nx-ca-nonce:0d5c4f2e-9a4b-4c39-8d0a-3f1c2b7e6a10\nx-ca-timestamp:1700000000000\n' +
  '/artemis/api/resource/v1/cameras';
const SIGNATURE = 'j8HkmdsycaIGrn4mCOElJwfjoMUawmEbBNz8a4RcSlw=';

describe('artemis signature', () => {
  it('lays out the string to sign: method, present standard headers, sorted x-ca headers, path', () => {
    expect(contentMd5(BODY)).toBe('KcSw7gwYkVtWQgd2eWbcpQ==');
    expect(
      artemisStringToSign({
        method: 'post',
        accept: 'application/json',
        contentMd5: 'KcSw7gwYkVtWQgd2eWbcpQ==',
        contentType: 'application/json;charset=UTF-8',
        date: null,
        // Given unsorted and in mixed case on purpose.
        signedHeaders: { 'X-Ca-Timestamp': '1700000000000', 'x-ca-key': '24747926', 'X-Ca-Nonce': ' 0d5c4f2e-9a4b-4c39-8d0a-3f1c2b7e6a10 ' },
        path: '/artemis/api/resource/v1/cameras',
      }),
    ).toBe(STRING);
    expect(artemisSignature('mcsioUGkT5GRMZTvjwA1', STRING)).toBe(SIGNATURE);
  });

  it('leaves out absent standard headers and appends sorted query pairs (bare keys without a value)', () => {
    const s = artemisStringToSign({
      method: 'GET',
      accept: '*/*',
      contentMd5: null,
      contentType: null,
      date: null,
      signedHeaders: { 'x-ca-key': '1' },
      path: '/artemis/api/x',
      query: { c: '3', b: '', a: '1' },
    });
    expect(s).toBe('GET\n*/*\nx-ca-key:1\n/artemis/api/x?a=1&b&c=3');
    expect(artemisSignature('secret', s)).toBe('GtIMoml394psmqe317zwpKNu29BsHze3TwuQRl7Y+lU=');
    expect(artemisStringToSign({ method: 'GET', accept: null, contentMd5: null, contentType: null, date: 'Tue, 14 Nov 2023 22:13:20 GMT', signedHeaders: {}, path: '/p' })).toBe(
      'GET\nTue, 14 Nov 2023 22:13:20 GMT\n/p',
    );
  });

  it('produces the request headers of the vector with a fixed clock and nonce', () => {
    const headers = signArtemisRequest({
      appKey: '24747926',
      appSecret: 'mcsioUGkT5GRMZTvjwA1',
      method: 'POST',
      path: '/artemis/api/resource/v1/cameras',
      body: BODY,
      now: () => 1_700_000_000_000,
      nonce: () => '0d5c4f2e-9a4b-4c39-8d0a-3f1c2b7e6a10',
    });
    expect(headers).toEqual({
      Accept: 'application/json',
      'Content-Type': 'application/json;charset=UTF-8',
      'Content-MD5': 'KcSw7gwYkVtWQgd2eWbcpQ==',
      'X-Ca-Key': '24747926',
      'X-Ca-Nonce': '0d5c4f2e-9a4b-4c39-8d0a-3f1c2b7e6a10',
      'X-Ca-Timestamp': '1700000000000',
      'X-Ca-Signature-Headers': 'x-ca-key,x-ca-nonce,x-ca-timestamp',
      'X-Ca-Signature': SIGNATURE,
    });
    expect(JSON.stringify(headers)).not.toContain('mcsioUGkT5GRMZTvjwA1');
  });

  it('uses a fresh uuid nonce and a millisecond timestamp by default', () => {
    const a = signArtemisRequest({ appKey: 'k', appSecret: 's', method: 'POST', path: '/artemis/x', body: '{}' });
    const b = signArtemisRequest({ appKey: 'k', appSecret: 's', method: 'POST', path: '/artemis/x', body: '{}' });
    expect(a['X-Ca-Nonce']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a['X-Ca-Nonce']).not.toBe(b['X-Ca-Nonce']);
    expect(Math.abs(Number(a['X-Ca-Timestamp']) - Date.now())).toBeLessThan(5_000);
    expect(signedHeaderNames({ 'X-Ca-Timestamp': '', 'X-Ca-Key': '' })).toEqual(['x-ca-key', 'x-ca-timestamp']);
  });
});
