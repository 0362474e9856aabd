import type { TopicRow } from './topics.repository.js';
import type { PresentedTopic } from './topics.schemas.js';

/** The one shape a topic has in every response; the owner never leaves. */
export function presentTopic(row: TopicRow): PresentedTopic {
  return { id: row.id, name: row.name, description: row.description, document_count: row.document_count };
}
