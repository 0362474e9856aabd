const UNITS = ['KB', 'MB', 'GB', 'TB', 'PB'];

/** Bytes in human units (binary multiples, as file managers show them): 512 B, 1.2 KB, 2.0 MB, 100 MB. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 1024) return `${Math.max(0, Math.round(bytes || 0))} B`;
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = value < 100 ? 1 : 0;
  // 1023.96 KB would round to "1024.0 KB": show the next unit instead.
  if (Number(value.toFixed(digits)) >= 1024 && unit < UNITS.length - 1) return `1.0 ${UNITS[unit + 1]}`;
  return `${value.toFixed(digits)} ${UNITS[unit]}`;
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
