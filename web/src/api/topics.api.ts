import { endpoints as e } from './endpoints';
import { call } from './http';
import type { NewTopic, Topic, TopicPatch } from './types';

export const topicsApi = {
  list: () => call<Topic[]>(e.listTopics),
  create: (body: NewTopic) => call<Topic>(e.createTopic, { body }),
  update: (id: string, body: TopicPatch) => call<Topic>(e.updateTopic, { params: { id }, body }),
  remove: (id: string) => call<void>(e.deleteTopic, { params: { id } }),
};
