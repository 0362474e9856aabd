/** The payload of JobNames.extractAndClassify, queued here and handled by the classification module. */
export interface ExtractAndClassifyPayload {
  documentId: string;
  userId: string;
  /** Asked for with POST /{id}/classify: classify even when the user's auto_classify is off. */
  requested?: boolean;
}

export interface DeleteUserPayload {
  userId: string;
}
