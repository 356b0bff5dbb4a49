/**
 * The organization of an officer created from an unknown sender's mail (INBOUND_UNKNOWN_SENDER=
 * create), from a map of mail domains to institution names an admin keeps (INBOUND_DOMAIN_MAP):
 * `{"pps.go.kr": "조달청", "*.seoul.go.kr": "서울특별시"}`. An exact domain wins over a pattern, a
 * longer pattern over a shorter one; `*.x` matches every subdomain of `x`, not `x` itself.
 */
export type DomainMap = Readonly<Record<string, string>>;

/** The organization for an address's domain, or undefined when no entry matches. */
export function organizationFor(address: string, map: DomainMap): string | undefined {
  const domain = address.slice(address.lastIndexOf('@') + 1).toLowerCase();
  if (!domain) return undefined;
  let best: { length: number; org: string } | undefined;
  for (const [pattern, org] of Object.entries(map)) {
    const p = pattern.trim().toLowerCase();
    if (p === domain) return org;
    if (p.startsWith('*.') && domain.endsWith(p.slice(1)) && (!best || p.length > best.length)) best = { length: p.length, org };
  }
  return best?.org;
}

/** Whether a pattern is one organizationFor understands: a domain, or `*.` and a domain. */
export function isDomainPattern(pattern: string): boolean {
  return /^(\*\.)?([a-z0-9-]+\.)*[a-z0-9-]+$/i.test(pattern.trim());
}
