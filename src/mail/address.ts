/** The domain of an address, bare or in a "Name <user@domain>" form, lower-cased. */
export function addressDomain(address: string, fallback = 'kansoku.invalid'): string {
  const at = address.lastIndexOf('@');
  if (at < 0) return fallback;
  const end = address.indexOf('>', at);
  const d = address
    .slice(at + 1, end < 0 ? undefined : end)
    .trim()
    .toLowerCase();
  return d || fallback;
}
