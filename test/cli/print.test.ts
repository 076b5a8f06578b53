import { describe, expect, it } from 'vitest';
import { printReport } from '../../src/cli/print.ts';
import { report } from '../helpers/post.ts';

function printed(text: string): string[] {
  const out: string[] = [];
  printReport((line) => out.push(line), report(text));
  return out;
}

describe('kansoku extract, as text', () => {
  it('says when a post names services only, and gives their usual ports as implied', () => {
    const out = printed('SSH brute force and RDP scanning from the same hosts all night.');
    expect(out).toContain('ports: none named; the post names services only');
    expect(out).toContain('implied by service names (no port number given): ssh -> tcp/22, rdp -> tcp/3389');
  });

  it('prints the ranges a post names beside its ports', () => {
    const out = printed('The UDP 1026-31 traffic is back; most of it to port 1026.');
    expect(out).toContain('ports: udp/1026 (prose)');
    expect(out).toContain('port ranges: udp/1026-1031 ("UDP 1026-31")');
  });
});
