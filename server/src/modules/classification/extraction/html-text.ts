import { Parser } from 'htmlparser2';

// Elements whose content is never text a reader sees.
const SKIPPED = new Set(['script', 'style', 'noscript', 'template', 'head', 'svg', 'math', 'iframe', 'object']);
// Elements that end a line of text, so words on either side do not run together.
const BLOCK = new Set([
  'p',
  'div',
  'br',
  'li',
  'tr',
  'td',
  'th',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'section',
  'article',
  'header',
  'footer',
  'blockquote',
  'pre',
  'table',
  'ul',
  'ol',
  'dl',
  'dt',
  'dd',
  'hr',
  'title',
]);

/**
 * The visible text of an HTML document, by a real HTML parser (htmlparser2): scripts,
 * styles and other non-text elements dropped, entities decoded, block elements as line
 * breaks. The title is kept (it names the page) even though it sits in <head>.
 */
export function htmlToText(html: string, maxChars: number): string {
  const out: string[] = [];
  let length = 0;
  let skipDepth = 0;
  let inTitle = false;
  const push = (s: string) => {
    if (length >= maxChars) return;
    out.push(s);
    length += s.length;
  };
  const parser = new Parser(
    {
      onopentag(name) {
        if (name === 'title') inTitle = true;
        else if (SKIPPED.has(name)) skipDepth++;
        if (BLOCK.has(name)) push('\n');
      },
      ontext(text) {
        if (skipDepth === 0 || inTitle) push(text);
      },
      onclosetag(name) {
        if (name === 'title') inTitle = false;
        else if (SKIPPED.has(name) && skipDepth > 0) skipDepth--;
        if (BLOCK.has(name)) push('\n');
      },
    },
    { decodeEntities: true, lowerCaseTags: true },
  );
  // Fed in slices so a stop at maxChars does not parse the rest of a huge page.
  for (let i = 0; i < html.length && length < maxChars; i += 64 * 1024) parser.write(html.slice(i, i + 64 * 1024));
  parser.end();
  return out.join('');
}
