/**
 * The address a sign-in counts under: the connection's, unless it comes from a trusted reverse
 * proxy, then the client the proxy names – never an address the client wrote itself.
 */
import { describe, expect, it } from 'vitest';
import { clientAddress, trustedProxies } from '../../src/web/client-address.ts';

describe('the client address for the sign-in limit', () => {
  const none = trustedProxies([]);
  const caddy = trustedProxies(['127.0.0.1', '172.16.0.0/12', 'fd00::/8']);

  it('takes the connection address when no proxy is trusted, whatever the header says', () => {
    expect(clientAddress('203.0.113.7', '198.51.100.1', none)).toBe('203.0.113.7');
    expect(clientAddress('::ffff:203.0.113.7', undefined, none)).toBe('203.0.113.7');
    expect(clientAddress(undefined, '198.51.100.1', none)).toBe('unknown');
  });

  it('takes the client a trusted proxy names: the right end of X-Forwarded-For', () => {
    expect(clientAddress('172.18.0.5', '198.51.100.1', caddy)).toBe('198.51.100.1');
    // The client wrote a header of its own; the proxy appended the real address.
    expect(clientAddress('127.0.0.1', '10.0.0.1, 198.51.100.2', caddy)).toBe('198.51.100.2');
    // Two trusted proxies in a row: the first untrusted hop from the right.
    expect(clientAddress('127.0.0.1', '198.51.100.3, 172.20.0.2', caddy)).toBe('198.51.100.3');
    expect(clientAddress('fd00::5', '2001:db8::1', caddy)).toBe('2001:db8::1');
  });

  it('falls back to the proxy for a missing, garbled or all-proxy header', () => {
    expect(clientAddress('127.0.0.1', undefined, caddy)).toBe('127.0.0.1');
    expect(clientAddress('127.0.0.1', 'not-an-address', caddy)).toBe('127.0.0.1');
    expect(clientAddress('127.0.0.1', '<script>, 198.51.100.4', caddy)).toBe('198.51.100.4');
    expect(clientAddress('127.0.0.1', '172.20.0.2, 127.0.0.1', caddy)).toBe('127.0.0.1');
    expect(clientAddress('127.0.0.1', `${'1.2.3.4,'.repeat(10_000)}x`, caddy)).toBe('127.0.0.1');
  });

  it('refuses a setting that is neither an address nor a range, naming it', () => {
    expect(() => trustedProxies(['caddy'])).toThrow('"caddy"');
    expect(() => trustedProxies(['10.0.0.0/33'])).toThrow('"10.0.0.0/33"');
    expect(() => trustedProxies(['10.0.0.0/x'])).toThrow('"10.0.0.0/x"');
  });
});
