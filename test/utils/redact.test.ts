import { describe, expect, it } from 'vitest';
import { Redactor } from '../../src/utils/redact.ts';

describe('Redactor', () => {
  it('masks the token of a Bearer value, as sent and percent-decoded', () => {
    const r = new Redactor();
    r.addAuthorization('Bearer AAAA%2BBBBB%3Dcccc');
    expect(r.redact('a AAAA%2BBBBB%3Dcccc b AAAA+BBBB=cccc')).toBe('a [redacted] b [redacted]');
  });

  it('masks oauth_token, oauth_signature and oauth_consumer_key of an OAuth 1.0a value, quoted or not', () => {
    const r = new Redactor();
    r.addAuthorization(
      'OAuth oauth_consumer_key="consumer-key-123", oauth_nonce="nonce", oauth_signature=sig%2Fnature%3D0, oauth_token="12345-usertoken"',
    );
    expect(r.redact('consumer-key-123 sig/nature=0 sig%2Fnature%3D0 12345-usertoken nonce')).toBe(
      '[redacted] [redacted] [redacted] [redacted] nonce',
    );
  });

  it('masks the base64 of a Basic value, the user:password it encodes and the password alone', () => {
    const r = new Redactor();
    r.addAuthorization(`Basic ${btoa('service:long-password')}`);
    expect(r.redact(`${btoa('service:long-password')} service:long-password long-password`)).toBe(
      '[redacted] [redacted] [redacted]',
    );
  });

  it('takes credential headers by name and leaves others alone', () => {
    const r = new Redactor();
    r.addHeaders({ 'x-api-key': 'api-key-value-1', cookie: 'session=abcdefgh', accept: 'application/json' });
    expect(r.redact('api-key-value-1 session=abcdefgh application/json')).toBe(
      '[redacted] [redacted] application/json',
    );
  });

  it('redactDeep copies only what changed, keeps Dates and frozenness', () => {
    const r = new Redactor();
    r.add('secret-value');
    const at = new Date(0);
    const clean = Object.freeze({ n: 1, s: 'plain' });
    const value = Object.freeze({ at, clean, list: Object.freeze(['x', 'has secret-value']) });
    const copy = r.redactDeep(value);
    expect(copy).not.toBe(value);
    expect(copy.at).toBe(at);
    expect(copy.clean).toBe(clean);
    expect(copy.list).toEqual(['x', 'has [redacted]']);
    expect(Object.isFrozen(copy.list)).toBe(true);
    expect(value.list[1]).toBe('has secret-value');
    expect(r.redactDeep(clean)).toBe(clean);
  });

  it('remembers the newest 256 credentials; one seen again stays', () => {
    const r = new Redactor();
    r.add('kept-credential');
    for (let i = 0; i < 300; i++) {
      r.add(`signature-${i}`);
      r.add('kept-credential');
    }
    expect(r.redact('kept-credential signature-299 signature-0')).toBe('[redacted] [redacted] signature-0');
  });
});
