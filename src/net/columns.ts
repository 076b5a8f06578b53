import ipaddr from 'ipaddr.js';
import { dotted, parseDotted } from './ipv4.ts';

/**
 * An address as two columns: an IPv4 address as its number, an IPv6 one as its 16 bytes. A
 * sensor stores a million raw events a day: an IPv4 address so takes 4 bytes, not up to 15
 * characters, and compares as a number.
 */
export type AddressColumns = [v4: number | null, v6: Buffer | null];

const NONE: AddressColumns = [null, null];

/** The columns of `addr` (a number is an IPv4 address already); both null when it is no address. */
export function addressColumns(addr: string | number | null): AddressColumns {
  if (addr === null) return NONE;
  if (typeof addr === 'number') return [addr, null];
  const d = parseDotted(addr);
  if (d?.parts === 4) return [d.n, null];
  if (!ipaddr.IPv6.isValid(addr)) return NONE;
  const v6 = ipaddr.IPv6.parse(addr);
  // An IPv4 address written as IPv6 (::ffff:192.0.2.1) is the IPv4 address.
  if (v6.isIPv4MappedAddress()) return [parseDotted(v6.toIPv4Address().toString())!.n, null];
  return [null, Buffer.from(v6.toByteArray())];
}

/** The text of an address stored as columns: dotted, or IPv6 in its compressed form. */
export function addressText(v4: number | string | null, v6: Uint8Array | null): string | null {
  if (v4 !== null) return dotted(Number(v4));
  return v6 ? ipaddr.fromByteArray([...v6]).toString() : null;
}
