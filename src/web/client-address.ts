import { BlockList, isIP } from 'node:net';

/**
 * The addresses of the reverse proxies in front of the inbox (WEB_TRUSTED_PROXIES): single
 * addresses or CIDR ranges ("172.16.0.0/12"). Anything else is refused at start, naming it.
 */
export function trustedProxies(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [address = '', bits] = entry.split('/');
    const family = isIP(address);
    const prefix = bits === undefined ? undefined : Number(bits);
    const max = family === 6 ? 128 : 32;
    if (
      family === 0 ||
      (prefix !== undefined && (!Number.isInteger(prefix) || prefix < 0 || prefix > max))
    )
      throw new Error(`WEB_TRUSTED_PROXIES: "${entry}" is neither an address nor a range`);
    const type = family === 6 ? 'ipv6' : 'ipv4';
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, prefix, type);
  }
  return list;
}

/** `::ffff:10.0.0.1` (an IPv4 client on a dual-stack socket) → `10.0.0.1`. */
function plain(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped?.[1] ?? address;
}

function isTrusted(address: string, trusted: BlockList): boolean {
  const family = isIP(address);
  return family !== 0 && trusted.check(address, family === 6 ? 'ipv6' : 'ipv4');
}

/**
 * The address a request counts under for the sign-in limit. A request straight from a client:
 * its connection's address; one from a trusted proxy: the last address in X-Forwarded-For that
 * is not a trusted proxy itself (each proxy appends the address it was reached from, so only the
 * right end can be believed; the left end is whatever the client wrote).
 */
export function clientAddress(
  remote: string | undefined,
  forwardedFor: string | undefined,
  trusted: BlockList,
): string {
  if (remote === undefined) return 'unknown';
  const connection = plain(remote);
  if (forwardedFor === undefined || !isTrusted(connection, trusted)) return connection;
  const hops = forwardedFor
    .slice(0, 2048)
    .split(',')
    .map((hop) => plain(hop.trim()));
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i] ?? '';
    if (isIP(hop) === 0) return connection;
    if (!isTrusted(hop, trusted)) return hop;
  }
  return connection;
}
