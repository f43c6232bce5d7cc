import { createHash } from 'node:crypto';
import twilio from 'twilio';
import { describe, expect, it } from 'vitest';
import { Secret } from '../../src/config/secret.js';
import {
  buildInboundWebhookUrl,
  buildStatusCallbackUrl,
  SignatureError,
  signTwilioRequest,
  verifyTwilioSignature,
  webhookSignedUrl,
} from '../../src/twilio/signature.js';

// Official vectors: twilio-node spec/validation.spec.js, as listed in twilio-notes.md §3.4.
const token = new Secret('12345');
const defaultParams = {
  CallSid: 'CA1234567890ABCDE',
  Caller: '+14158675309',
  Digits: '1234',
  From: '+14158675309',
  To: '+18005551212',
};
const path = '/myapp.php?foo=1&bar=2';

function verify(
  publicUrl: string,
  requestUrl: string,
  params: Record<string, string | string[]>,
  signature: string,
  rawBody?: string,
) {
  return () =>
    verifyTwilioSignature({
      authToken: token,
      publicUrl,
      requestUrl,
      params,
      signature,
      ...(rawBody === undefined ? {} : { rawBody }),
    });
}

describe('official twilio-node signature vectors', () => {
  const cases: [string, string, string, Record<string, string | string[]>, string][] = [
    ['default', 'https://mycompany.com', path, defaultParams, 'RSOYDt4T1cUTdK1PDd93/VVr8B8='],
    [
      'https with explicit port',
      'https://mycompany.com:1234',
      path,
      defaultParams,
      'RSOYDt4T1cUTdK1PDd93/VVr8B8=',
    ],
    ['http with port 1234', 'http://mycompany.com:1234', path, defaultParams, 'Zmvh+3yNM1Phv2jhDCwEM3q5ebU='],
    ['https, hash over :443', 'https://mycompany.com', path, defaultParams, 'kvajT1Ptam85bY51eRf/AJRuM3w='],
    ['http, hash over :80', 'http://mycompany.com', path, defaultParams, '0ZXoZLH/DfblKGATFgpif+LLRf4='],
    ['credentials', 'https://user:pass@mycompany.com', path, defaultParams, 'CukzLTc1tT5dXEDIHm/tKBanW10='],
    [
      'credentials with :443',
      'https://user:pass@mycompany.com',
      path,
      defaultParams,
      'ZQFR1PTIZXF2MXB8ZnKCvnnA+rI=',
    ],
    ['username only', 'https://user@mycompany.com', path, defaultParams, '2YRLlVAflCqxaNicjMpJcSTgzSs='],
    [
      'special chars',
      'https://mycompany.com',
      `${path}&Body=It's+amazing`,
      defaultParams,
      'TfZzewPq8wqrGlMfyAud8+/IvJ0=',
    ],
    [
      'array param',
      'https://mycompany.com',
      path,
      { 'MessagingBinding.Address': ['+1325xxxxxxx', '+1415xxxxxxx'] },
      '83O6e2vORAoJHUNzJjDWN1jz+BA=',
    ],
    [
      'array param, other order',
      'https://mycompany.com',
      path,
      { 'MessagingBinding.Address': ['+1415xxxxxxx', '+1325xxxxxxx'] },
      '83O6e2vORAoJHUNzJjDWN1jz+BA=',
    ],
    [
      'multi values',
      'https://mycompany.com',
      path,
      { Sid: 'CA123', SidAccount: 'AC123', Digits: ['5678', '1234', '1234'] },
      'IK+Dwps556ElfBT0I3Rgjkr1wJU=',
    ],
  ];
  for (const [name, publicUrl, requestUrl, params, signature] of cases) {
    it(name, () => {
      expect(verify(publicUrl, requestUrl, params, signature)).not.toThrow();
    });
  }

  const body = '{"property": "value", "boolean": true}';
  const bodyHash = '0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620';
  it('JSON body vectors hash as the notes say', () => {
    expect(createHash('sha256').update(body).digest('hex')).toBe(bodyHash);
  });
  it('JSON body', () => {
    expect(
      verify(
        'https://mycompany.com',
        `${path}&bodySHA256=${bodyHash}`,
        {},
        'a9nBmqA0ju/hNViExpshrM61xv4=',
        body,
      ),
    ).not.toThrow();
  });
  it('JSON body {}', () => {
    const emptyHash = '44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a';
    expect(
      verify(
        'https://mycompany.com',
        `${path}&bodySHA256=${emptyHash}`,
        {},
        'Ldidvp12m26NI7eqEvxnEpkd9Hc=',
        '{}',
      ),
    ).not.toThrow();
  });
  it('only bodySHA256', () => {
    expect(
      verify(
        'https://mycompany.com',
        `/myapp.php?bodySHA256=${bodyHash}`,
        {},
        'y77kIzt2vzLz71DgmJGsen2scGs=',
        body,
      ),
    ).not.toThrow();
  });
  it('JSON body that does not match its bodySHA256 is rejected', () => {
    expect(
      verify(
        'https://mycompany.com',
        `${path}&bodySHA256=${bodyHash}`,
        {},
        'a9nBmqA0ju/hNViExpshrM61xv4=',
        '{"x":1}',
      ),
    ).toThrow(SignatureError);
  });
});

describe('verifyTwilioSignature', () => {
  const authToken = new Secret('s3cr3t-token-for-tests');
  const publicUrl = 'https://sms.example.com';
  const requestUrl = '/webhooks/twilio/acme/status';
  const params = {
    MessageSid: 'SM0123456789abcdef0123456789abcdef',
    MessageStatus: 'delivered',
    To: '+13125550142',
  };
  const run = (over: Partial<Parameters<typeof verifyTwilioSignature>[0]>) =>
    verifyTwilioSignature({ authToken, publicUrl, requestUrl, params, signature: undefined, ...over });

  it('accepts a request signed by the official package', () => {
    const signature = twilio.getExpectedTwilioSignature(
      authToken.reveal(),
      `${publicUrl}${requestUrl}`,
      params,
    );
    expect(() => run({ signature })).not.toThrow();
  });

  it('accepts unknown parameters when they were signed, and rejects when one is dropped', () => {
    const withNew = { ...params, SomeFutureParam: 'x', ErrorCode: '' };
    const signature = signTwilioRequest(authToken.reveal(), `${publicUrl}${requestUrl}`, withNew);
    expect(() => run({ signature, params: withNew })).not.toThrow();
    expect(() => run({ signature, params })).toThrow(SignatureError);
  });

  it('missing header is signature_missing (400)', () => {
    const error = (() => {
      try {
        run({ signature: undefined });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(SignatureError);
    expect((error as SignatureError).code).toBe('signature_missing');
    expect((error as SignatureError).httpStatus).toBe(400);
    expect(() => run({ signature: '' })).toThrow(/missing/);
  });

  it('wrong signature, wrong token or tampered body is signature_invalid (403)', () => {
    const signature = signTwilioRequest(authToken.reveal(), `${publicUrl}${requestUrl}`, params);
    for (const over of [
      { signature: 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=' },
      { signature, authToken: new Secret('another-token') },
      { signature, params: { ...params, MessageStatus: 'failed' } },
      { signature, requestUrl: '/webhooks/twilio/other/status' },
      { signature, requestUrl: `${requestUrl}?x=1` },
    ]) {
      try {
        run(over);
        expect.unreachable('should have thrown');
      } catch (e) {
        expect(e).toBeInstanceOf(SignatureError);
        expect((e as SignatureError).code).toBe('signature_invalid');
        expect((e as SignatureError).httpStatus).toBe(403);
      }
    }
  });

  it('fragment: Twilio signs the URL without #rc=3&rp=all, and so do we', () => {
    const callback = buildStatusCallbackUrl(publicUrl, 'acme');
    expect(callback).toBe('https://sms.example.com/webhooks/twilio/acme/status#rc=3&rp=all');
    const asTwilio = twilio.getExpectedTwilioSignature(
      authToken.reveal(),
      callback.split('#')[0] as string,
      params,
    );
    expect(() => run({ signature: asTwilio })).not.toThrow();
    // The official validator rejects when the fragment is left in (notes §3.3): prove we strip it.
    expect(twilio.validateRequest(authToken.reveal(), asTwilio, callback, params)).toBe(false);
    expect(() => run({ signature: asTwilio, publicUrl: `${publicUrl}#rc=3&rp=all` })).not.toThrow();
    // A signature computed over the fragment is not what Twilio sends.
    const overFragment = twilio.getExpectedTwilioSignature(authToken.reveal(), callback, params);
    expect(() => run({ signature: overFragment })).toThrow(SignatureError);
  });

  it('port: Twilio keeps the port for SMS; with or without it verifies', () => {
    const withPort = 'https://sms.example.com:8443';
    const signature = signTwilioRequest(authToken.reveal(), `${withPort}${requestUrl}`, params);
    expect(() => run({ signature, publicUrl: withPort })).not.toThrow();
    const onDefault = signTwilioRequest(
      authToken.reveal(),
      `https://sms.example.com:443${requestUrl}`,
      params,
    );
    expect(() => run({ signature: onDefault })).not.toThrow();
  });

  it('proxy: publicUrl decides, with a path prefix stripped or kept by the proxy', () => {
    const prefixed = 'https://example.com/acusms';
    const signature = signTwilioRequest(authToken.reveal(), `${prefixed}${requestUrl}`, params);
    expect(() => run({ signature, publicUrl: prefixed })).not.toThrow();
    expect(() => run({ signature, publicUrl: prefixed, requestUrl: `/acusms${requestUrl}` })).not.toThrow();
    expect(webhookSignedUrl('https://example.com/acusms/', `/acusms${requestUrl}?a=1`)).toBe(
      `https://example.com/acusms${requestUrl}?a=1`,
    );
    // Internal host/port (http://10.0.0.5:8080) never enters: only publicUrl does.
    expect(webhookSignedUrl('https://sms.example.com', '/x?y=1#frag')).toBe('https://sms.example.com/x?y=1');
  });

  it('accepts any of several tokens during a rotation', () => {
    const signature = signTwilioRequest('new-token', `${publicUrl}${requestUrl}`, params);
    expect(() => run({ signature, authToken: [authToken, new Secret('new-token')] })).not.toThrow();
  });

  it('builds webhook URLs for the console', () => {
    expect(buildInboundWebhookUrl('https://sms.example.com/', 'acme')).toBe(
      'https://sms.example.com/webhooks/twilio/acme/inbound',
    );
    expect(buildStatusCallbackUrl('https://sms.example.com', 'acme', { fragment: '' })).toBe(
      'https://sms.example.com/webhooks/twilio/acme/status',
    );
    expect(buildStatusCallbackUrl('https://sms.example.com', 'acme', { fragment: 'rc=5&rp=5xx,ct' })).toBe(
      'https://sms.example.com/webhooks/twilio/acme/status#rc=5&rp=5xx,ct',
    );
  });
});
