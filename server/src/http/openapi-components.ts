/**
 * Route schemas are written inline (TypeBox, in each `<cap>.schemas.ts`); those given a
 * `title` become named components of the OpenAPI document (`#/components/schemas/<title>`),
 * so the generated web types name them (`components['schemas']['Document']`) instead of
 * repeating them under every path. Documentation only: the routes validate and serialise
 * with their own schemas, untouched (the document is transformed on a copy).
 */
type Json = unknown;

export function withNamedComponents<T extends object>(openapiObject: T): T {
  const doc = structuredClone(openapiObject) as T & { components?: { schemas?: Record<string, Json> } };
  const named: Record<string, Json> = {};
  const seen = new Map<string, string>();

  const hoist = (node: Json): Json => {
    if (Array.isArray(node)) return node.map(hoist);
    if (node === null || typeof node !== 'object') return node;
    const out: Record<string, Json> = {};
    for (const [k, v] of Object.entries(node)) out[k] = hoist(v);
    const title = out.title;
    if (typeof title !== 'string' || !('type' in out || 'anyOf' in out || 'oneOf' in out)) return out;
    const text = JSON.stringify(out);
    const before = seen.get(title);
    // Two different shapes under one title would silently merge: a bug in the schemas.
    if (before !== undefined && before !== text) throw new Error(`two different schemas are titled ${title}`);
    seen.set(title, text);
    named[title] = out;
    return { $ref: `#/components/schemas/${title}` };
  };

  const paths = (doc as { paths?: Json }).paths;
  if (paths) (doc as { paths?: Json }).paths = hoist(paths);
  doc.components = { ...doc.components, schemas: { ...doc.components?.schemas, ...named } };
  return doc;
}
