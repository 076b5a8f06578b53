import { createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP relay between the bot and the real Dovecot, so that a test can cut the connection at a
 * moment of its choosing (mid-IDLE, mid-FETCH). It forwards bytes; it speaks no IMAP itself.
 */
export class CuttingProxy {
  private server: Server;
  private pairs = new Set<[Socket, Socket]>();
  port = 0;
  /** Bytes from the client so far, for a test to watch for a command. */
  clientText = '';
  cuts = 0;
  /** Cut every connection once this many bytes of the server's answer followed a matching command. */
  private armed: { command: string; afterBytes: number; seen: number; active: boolean } | null = null;

  constructor(private readonly upstreamPort: number) {
    this.server = createServer((client) => {
      const upstream = createConnection({ host: '127.0.0.1', port: this.upstreamPort });
      const pair: [Socket, Socket] = [client, upstream];
      this.pairs.add(pair);
      const end = () => {
        client.destroy();
        upstream.destroy();
        this.pairs.delete(pair);
      };
      client.on('error', end).on('close', end);
      upstream.on('error', end).on('close', end);
      client.on('data', (c: Buffer) => {
        const t = c.toString('latin1');
        this.clientText += t;
        if (this.armed && !this.armed.active && t.includes(this.armed.command)) this.armed.active = true;
        upstream.write(c);
      });
      upstream.on('data', (c: Buffer) => {
        client.write(c);
        if (this.armed?.active) {
          this.armed.seen += c.length;
          if (this.armed.seen >= this.armed.afterBytes) {
            this.armed = null;
            this.cutAll();
          }
        }
      });
    });
  }

  async listen(): Promise<number> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as { port: number }).port;
    return this.port;
  }

  cutAll(): void {
    this.cuts++;
    for (const [a, b] of this.pairs) {
      a.destroy();
      b.destroy();
    }
    this.pairs.clear();
  }

  /** Cuts every connection after `afterBytes` of the answer to the next command containing `command`. */
  cutDuring(command: string, afterBytes: number): void {
    this.armed = { command, afterBytes, seen: 0, active: false };
  }

  get connections(): number {
    return this.pairs.size;
  }

  async close(): Promise<void> {
    this.cutAll();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
