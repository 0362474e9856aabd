import type { Database } from '../../db/database.js';
import type { AuthUser } from '../../http/auth-context.js';
import { errors } from '../../http/errors.js';
import { isUuid } from '../../http/schemas.js';
import { topicDescription, topicName } from './topic-fields.js';
import { presentTopic } from './topics.presenter.js';
import type { NewTopic, PresentedTopic, TopicPatch } from './topics.schemas.js';
import { isDuplicateName, topicsRepository as topics } from './topics.repository.js';

export type TopicService = ReturnType<typeof createTopicService>;

const duplicate = errors.topicExists;

/**
 * The topic use cases. Authorization is ownership: every statement names the caller as
 * owner, so another user's topic is indistinguishable from a missing one (404).
 */
export function createTopicService(deps: { db: Database }) {
  const { db } = deps;

  async function owned(user: AuthUser, id: string): Promise<PresentedTopic> {
    const row = isUuid(id) ? await topics.findOwned(db, { id, userId: user.id }) : null;
    if (!row) throw errors.notFound('topic');
    return presentTopic(row);
  }

  return {
    async list(user: AuthUser): Promise<PresentedTopic[]> {
      return (await topics.list(db, user.id)).map(presentTopic);
    },

    get: owned,

    async create(user: AuthUser, input: NewTopic): Promise<PresentedTopic> {
      const name = topicName(input.name);
      const description = topicDescription(input.description ?? '');
      const id = await topics.insert(db, { userId: user.id, name, description });
      if (!id) throw duplicate();
      return owned(user, id);
    },

    async update(user: AuthUser, id: string, input: TopicPatch): Promise<PresentedTopic> {
      const name = input.name === undefined ? undefined : topicName(input.name);
      const description = input.description === undefined ? undefined : topicDescription(input.description ?? '');
      if (!isUuid(id)) throw errors.notFound('topic');
      try {
        if (!(await topics.update(db, { id, userId: user.id, name, description }))) throw errors.notFound('topic');
      } catch (e) {
        if (isDuplicateName(e)) throw duplicate();
        throw e;
      }
      return owned(user, id);
    },

    async remove(user: AuthUser, id: string): Promise<void> {
      if (!isUuid(id) || !(await topics.delete(db, { id, userId: user.id }))) throw errors.notFound('topic');
    },
  };
}
