import type { ClassifyInput, ProviderPick } from './prompt.js';

/** An external classifier: the user's topics and the start of a document in, picks out. */
export interface AiProvider {
  classify(input: ClassifyInput): Promise<ProviderPick[]>;
}

export interface AiProviderConfig {
  model: string | null;
  baseUrl: string | null;
  apiKey: string | null;
  allowPrivateUrls: boolean;
  timeoutMs: number;
}
