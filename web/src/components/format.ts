const UNITS = ['kB', 'MB', 'GB', 'TB', 'PB'];

/**
 * Bytes in decimal SI units (1 kB = 1,000 bytes, as quotas and storage are sold), with
 * three significant digits: 512 B, 1.23 kB, 2 MB, 100 MB. The one size formatter of the UI.
 */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 1000) return `${Math.max(0, Math.round(bytes || 0))} B`;
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 999.5 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${Number(value.toPrecision(3)).toLocaleString('en-US', { maximumFractionDigits: 2 })} ${UNITS[unit]}`;
}

const dateFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric' });
const thisYearFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** "24 Nov" this year, "24 Nov 2025" before. */
export function formatDate(iso: string): string {
  const d = new Date(iso);
  return (d.getFullYear() === new Date().getFullYear() ? thisYearFormat : dateFormat).format(d);
}

export function formatDateTime(iso: string): string {
  return dateTimeFormat.format(new Date(iso));
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString()} ${n === 1 ? one : many}`;
}
