import type { Db } from './db.ts';

/**
 * The deployment's one mapping from our own networks to placeholders: each network key gets a
 * number once, the first time a draft names it, and keeps it in every later draft.
 */
export class PlaceholderStore {
  constructor(private readonly db: Db) {}

  /** The number of a network key (0, 1, ...), assigned on first use. */
  index(net: string): number {
    this.db.run(
      'INSERT INTO placeholders (net, created_at) VALUES (?, ?) ON CONFLICT (net) DO NOTHING',
      net,
      new Date().toISOString(),
    );
    return this.db.get<{ id: number }>('SELECT id FROM placeholders WHERE net = ?', net)!.id - 1;
  }
}
