import { errors } from '../../http/errors.js';

// Control characters (C0, DEL, C1) and lone surrogates: a name is one line of display text.
// eslint-disable-next-line no-control-regex
const NAME_FORBIDDEN = /[\u0000-\u001f\u007f-\u009f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
// eslint-disable-next-line no-control-regex
const DESCRIPTION_FORBIDDEN =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export const NAME_MAX = 100;
export const DESCRIPTION_MAX = 2000;

/** A topic name: trimmed, 1–100 characters, one line. */
export function topicName(raw: string): string {
  if (NAME_FORBIDDEN.test(raw)) throw errors.invalidName('name must be one line without control characters');
  const name = raw.trim().replace(/\s+/g, ' ');
  if (name.length < 1 || name.length > NAME_MAX) throw errors.invalidName(`name must be 1–${NAME_MAX} characters`);
  return name;
}

/** A description: trimmed, at most 2000 characters; line breaks and tabs allowed. */
export function topicDescription(raw: string): string {
  const d = raw.trim();
  if (d.length > DESCRIPTION_MAX) throw errors.invalidDescription(`description must be at most ${DESCRIPTION_MAX} characters`);
  if (DESCRIPTION_FORBIDDEN.test(d)) throw errors.invalidDescription('description must not contain control characters');
  return d;
}
