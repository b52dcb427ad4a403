import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { safeNext } from '../../../server/console/session.ts';

// Where a browser would go if the console redirected to safeNext(next).
const landsOn = (next: string): string => new URL(safeNext(next), 'https://console.example/login').origin;

describe('safeNext (the page to return to after login)', () => {
  it('keeps same-site paths, query and fragment', () => {
    expect(safeNext('/repos/data/main?x=1#top')).toBe('/repos/data/main?x=1#top');
    expect(safeNext('/')).toBe('/');
  });

  it('sends anything that a browser would read as another origin home', () => {
    for (const bad of ['//evil.example', '/\\evil.example', '/\t/evil.example', '/\n/evil.example', '/\r\n/evil.example', '/.//evil.example', '/./\\evil.example', '/\\\tevil.example', 'https://evil.example', 'evil.example', '', undefined, 42]) {
      expect(safeNext(bad), JSON.stringify(bad)).toBe('/');
    }
  });

  it('never leaves the console, whatever the string', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('/', '\\', '.', '\t', '\n', ':', '@', '%', 'e', 'x', '?', '#', ' ') , maxLength: 12 }), (tail) => {
        expect(landsOn(`/${tail}`)).toBe('https://console.example');
      }),
      { numRuns: 5000 },
    );
  });
});
