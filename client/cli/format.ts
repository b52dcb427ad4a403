// Human output: sizes in binary units, times relative to now, and tables
// whose columns line up.

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

export function humanSize(bytes: number | undefined): string {
  if (bytes === undefined) return '-';
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value < 10 ? value.toFixed(1) : Math.round(value)} ${UNITS[unit]}`;
}

const STEPS: [number, string][] = [
  [60, 'second'],
  [60, 'minute'],
  [24, 'hour'],
  [30, 'day'],
];

export function relativeTime(ms: number | undefined, now = Date.now()): string {
  if (ms === undefined) return '-';
  let value = Math.round((now - ms) / 1000);
  if (value < 0) return new Date(ms).toISOString();
  if (value < 5) return 'just now';
  for (const [size, unit] of STEPS) {
    if (value < size) return `${value} ${unit}${value === 1 ? '' : 's'} ago`;
    value = Math.floor(value / size);
  }
  return new Date(ms).toISOString().slice(0, 10);
}

/** Rows as aligned columns (two spaces apart), the last column unpadded. */
export function table(header: string[], rows: string[][]): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return all.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ').trimEnd()).join('\n');
}

/** `key: value` lines with the values aligned (a value's further lines too). */
export function fields(entries: [string, string][]): string {
  const width = Math.max(...entries.map(([k]) => k.length)) + 1;
  const indent = `\n${' '.repeat(width + 1)}`;
  return entries.map(([k, v]) => `${`${k}:`.padEnd(width)} ${v.replace(/\n/g, indent)}`).join('\n');
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
