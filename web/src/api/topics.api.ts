import { endpoints as e } from './endpoints';
import { call } from './http';
import type { Topic } from './types';

export const topicsApi = {
  list: () => call<Topic[]>(e.listTopics),
  create: (body: { name: string; description?: string | null }) => call<Topic>(e.createTopic, { body }),
  update: (id: string, body: { name?: string; description?: string | null }) =>
    call<Topic>(e.updateTopic, { params: { id }, body }),
  remove: (id: string) => call<void>(e.deleteTopic, { params: { id } }),
};
