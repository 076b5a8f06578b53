import { chromium, type Browser } from 'playwright-core';

/**
 * Debian's chromium (.ci/run installs it), driven by playwright-core, which brings no browser of
 * its own. Each launch has a fresh profile of playwright's.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      // CI runs as root, where chromium's sandbox does not start.
      '--no-sandbox',
      '--disable-gpu',
      // Without these chromium calls Google at start, which this machine refuses.
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
