import { Type, type Static } from 'typebox';
import { IdParams } from '../../http/schemas.js';
import { DESCRIPTION_MAX } from './topic-fields.js';

/** The topics contract, written once: routes validate with these; service and presenter take their types. */

export const TopicBody = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    name: Type.String(),
    description: Type.String({ description: 'Empty when none was given' }),
    document_count: Type.Integer({ description: 'Documents filed under this topic (automatically or by hand)' }),
  },
  { title: 'Topic' },
);
export type PresentedTopic = Static<typeof TopicBody>;
export const TopicList = Type.Array(TopicBody);

const Name = Type.String({ maxLength: 1000, description: '1–100 characters after trimming; unique per user in any letter case' });
const Description = Type.Union([
  Type.String({ maxLength: DESCRIPTION_MAX * 2, description: 'What belongs here; the local classifier learns from it' }),
  Type.Null(),
]);
export const CreateTopicBody = Type.Object(
  { name: Name, description: Type.Optional(Description) },
  { title: 'NewTopic', additionalProperties: false },
);
export type NewTopic = Static<typeof CreateTopicBody>;
export const PatchTopicBody = Type.Object(
  { name: Type.Optional(Name), description: Type.Optional(Description) },
  { title: 'TopicPatch', additionalProperties: false },
);
export type TopicPatch = Static<typeof PatchTopicBody>;
export const TopicIdParams = IdParams('Topic id');
