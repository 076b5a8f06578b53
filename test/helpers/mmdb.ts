import ipaddr from 'ipaddr.js';

/**
 * Writes a small MaxMind DB (MMDB 2.0) file, as the format's specification lays it out: a binary
 * search tree of 24-bit records, 16 zero bytes, the data section, then the metadata after its
 * marker. Enough for country databases in tests, built from CIDR networks and their records.
 */
export function writeMmdb(
  networks: Array<[cidr: string, record: Record<string, unknown>]>,
  ipVersion: 4 | 6 = 4,
  databaseType = 'Test-Country',
): Buffer {
  const data: Buffer[] = [];
  let dataSize = 0;
  const tree: Array<[number | null, number | null]> = [[null, null]];
  /** Record values: a node index, or a data offset marked as such until the node count is known. */
  const DATA = 1 << 30;
  for (const [cidr, record] of networks) {
    const [addr, bits] = ipaddr.parseCIDR(cidr);
    let bytes = addr.toByteArray();
    let len = bits;
    if (ipVersion === 6 && bytes.length === 4) {
      bytes = [...new Array(12).fill(0), ...bytes];
      len += 96;
    }
    const encoded = encode(record);
    const offset = dataSize;
    data.push(encoded);
    dataSize += encoded.length;
    let node = 0;
    for (let i = 0; i < len; i++) {
      const bit = (bytes[i >> 3]! >> (7 - (i & 7))) & 1;
      if (i === len - 1) {
        tree[node]![bit] = DATA + offset;
        break;
      }
      let next = tree[node]![bit] ?? null;
      if (next === null || next >= DATA) {
        next = tree.push([null, null]) - 1;
        tree[node]![bit] = next;
      }
      node = next;
    }
  }
  const nodeCount = tree.length;
  const treeBytes = Buffer.alloc(nodeCount * 6);
  tree.forEach(([l, r], i) => {
    for (const [j, v] of [l, r].entries()) {
      const value = v === null ? nodeCount : v >= DATA ? nodeCount + 16 + (v - DATA) : v;
      treeBytes.writeUIntBE(value, i * 6 + j * 3, 3);
    }
  });
  const metadata = encode({
    node_count: { uint32: nodeCount },
    record_size: { uint16: 24 },
    ip_version: { uint16: ipVersion },
    database_type: databaseType,
    languages: ['en'],
    binary_format_major_version: { uint16: 2 },
    binary_format_minor_version: { uint16: 0 },
    build_epoch: { uint64: 1_763_683_200 },
    description: { en: 'kansoku test database' },
  });
  return Buffer.concat([
    treeBytes,
    Buffer.alloc(16),
    ...data,
    Buffer.from('abcdef4d61784d696e642e636f6d', 'hex'),
    metadata,
  ]);
}

function control(type: number, size: number): Buffer {
  const ext = type > 7;
  let sizeBytes: number[] = [];
  let small = size;
  if (size >= 29) {
    small = 29;
    sizeBytes = [size - 29];
  }
  const first = ((ext ? 0 : type) << 5) | small;
  return Buffer.from([first, ...(ext ? [type - 7] : []), ...sizeBytes]);
}

function uint(type: number, n: number, width: number): Buffer {
  const b = Buffer.alloc(width);
  b.writeUIntBE(n, 0, Math.min(width, 6));
  return Buffer.concat([control(type, width), b]);
}

function encode(v: unknown): Buffer {
  if (typeof v === 'string') {
    const s = Buffer.from(v, 'utf8');
    return Buffer.concat([control(2, s.length), s]);
  }
  if (Array.isArray(v)) return Buffer.concat([control(11, v.length), ...v.map(encode)]);
  const o = v as Record<string, unknown>;
  if ('uint16' in o) return uint(5, o.uint16 as number, 2);
  if ('uint32' in o) return uint(6, o.uint32 as number, 4);
  if ('uint64' in o) return uint(9, o.uint64 as number, 6);
  const entries = Object.entries(o);
  return Buffer.concat([control(7, entries.length), ...entries.flatMap(([k, x]) => [encode(k), encode(x)])]);
}
