/**
 * Which Host and Origin names a local listener (the mock server, the reader agent, the kiosk UI) answers for —
 * the defence against DNS rebinding and cross-site requests. A page on evil.example that makes its name resolve
 * to 127.0.0.1 reaches our port with `Host: evil.example:…` and `Origin: http://evil.example:…`; a page on any
 * other site sends its own Origin. Both are refused unless the name is one this machine serves:
 *
 *   - the loopback names 127.0.0.1, localhost and [::1];
 *   - the address the connection arrived on, as an IP literal (a listener bound to a LAN address on purpose:
 *     a literal cannot be rebound to another machine);
 *   - the extra names given (`allowedHosts`, ONSHI_SIM_ALLOWED_HOSTS): a name alone ("kiosk.lan") is served on
 *     the listener's own port; "name:port" exactly (a reverse proxy or a forwarded port).
 *
 * The port must be the one the connection arrived on (a missing port is 80; an Origin's is its scheme's
 * default). A request without Host (HTTP/1.0) names nothing and passes: no browser sends one. The check per
 * request is one Map and one Set lookup for the common case (a Host header exactly as a browser writes it).
 */
export const LOOPBACK_HOST_NAMES = ["127.0.0.1", "localhost", "[::1]"] as const;

/** Where the request arrived: node's socket fields (undefined once the socket is closed). */
export interface ArrivalSocket {
  readonly localPort?: number | undefined;
  readonly localAddress?: string | undefined;
}

interface Authority {
  readonly name: string;
  readonly port: number | null;
}

/** "name", "name:port", "[v6]" or "[v6]:port", lower-cased; null when it is not one (a URL, a path, spaces). */
export function parseAuthority(text: string): Authority | null {
  const s = text.trim().toLowerCase();
  const m = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d{1,5}))?$/.exec(s);
  if (!m) return null;
  const port = m[2] === undefined ? null : Number(m[2]);
  if (port !== null && port > 65535) return null;
  return { name: m[1]!, port };
}

/** An IP address as it appears in a Host header: IPv6 in brackets, IPv4-mapped IPv6 as plain IPv4. */
function addressLiteral(address: string | undefined): string | null {
  if (!address) return null;
  if (address.startsWith("::ffff:") && address.includes(".")) return address.slice(7);
  return address.includes(":") ? `[${address.toLowerCase()}]` : address;
}

/** ONSHI_SIM_ALLOWED_HOSTS: comma- or space-separated host names (or name:port) beyond the loopback ones. */
export function allowedHostsFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env.ONSHI_SIM_ALLOWED_HOSTS ?? "").split(/[\s,]+/).filter(Boolean);
}

export class ServedHosts {
  /** Extra names served on the listener's own port. */
  readonly #names: ReadonlySet<string>;
  /** Extra "name:port" entries, served whatever port the connection arrived on. */
  readonly #exact: ReadonlySet<string>;
  /** Per local port: every "name:port" Host header a browser may send for it (filled on first use). */
  readonly #byPort = new Map<number, ReadonlySet<string>>();

  /** Throws on an entry that is not a host name, name:port or bracketed IPv6 literal (e.g. a URL). */
  constructor(allowedHosts: readonly string[] = []) {
    const names = new Set<string>(LOOPBACK_HOST_NAMES);
    const exact = new Set<string>();
    for (const entry of allowedHosts) {
      const a = parseAuthority(entry);
      if (!a) throw new TypeError(`allowed host "${entry}" is not a host name, name:port or [IPv6] (no scheme, no path)`);
      if (a.port === null) names.add(a.name);
      else exact.add(`${a.name}:${a.port}`);
    }
    this.#names = names;
    this.#exact = exact;
  }

  /** The extra names and name:port entries, as given (lower-cased), for messages and logs. */
  get extra(): string[] {
    return [...[...this.#names].filter((n) => !(LOOPBACK_HOST_NAMES as readonly string[]).includes(n)), ...this.#exact];
  }

  #forPort(port: number): ReadonlySet<string> {
    let set = this.#byPort.get(port);
    if (!set) {
      const s = new Set(this.#exact);
      for (const n of this.#names) s.add(`${n}:${port}`);
      this.#byPort.set(port, s);
      set = s;
    }
    return set;
  }

  /** Whether a Host header (or an Origin's host:port) names this listener, reached through `socket`. */
  servesHost(host: string | undefined, socket: ArrivalSocket): boolean {
    if (host === undefined) return true;
    const port = socket.localPort;
    if (port === undefined) return false;
    const known = this.#forPort(port);
    if (known.has(host)) return true;
    const a = parseAuthority(host);
    if (!a) return false;
    const authority = `${a.name}:${a.port ?? 80}`;
    if (known.has(authority)) return true;
    return (a.port ?? 80) === port && a.name === addressLiteral(socket.localAddress);
  }

  /** Whether an Origin header is a page served by this very listener (scheme http or https, same host and port). */
  servesOrigin(origin: string, socket: ArrivalSocket): boolean {
    const o = originAuthority(origin);
    return o !== null && this.servesHost(`${o.name}:${o.port}`, socket);
  }

  /**
   * Whether an Origin header is a page on this machine, on any port: a loopback name, the address the
   * connection arrived on, or an extra name. The reader agent takes kiosks served by any local app this way.
   */
  originOnThisMachine(origin: string, socket: ArrivalSocket): boolean {
    const o = originAuthority(origin);
    if (!o) return false;
    if (this.#names.has(o.name) || this.#exact.has(`${o.name}:${o.port}`)) return true;
    return o.name === addressLiteral(socket.localAddress);
  }
}

/** An Origin's host and port (its scheme's default when absent); null for "null", other schemes or garbage. */
function originAuthority(origin: string): { name: string; port: number } | null {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return null;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return null;
  // An Origin is scheme://host[:port] and nothing else.
  if (url.pathname !== "/" || url.search || url.hash || url.username || url.password || origin.endsWith("/")) return null;
  return { name: url.hostname, port: url.port ? Number(url.port) : url.protocol === "https:" ? 443 : 80 };
}
