/**
 * Wire shapes of the onboarding API (see PROTOCOL.md), shared by the client,
 * the testing kit and the server helper so that none depends on another's
 * internals. Field names are the API's (snake_case); nothing here is exported
 * from the main entry except through the SDK's own camelCase types.
 */

// Response bodies are derived from their schemas, so the types and the checks cannot drift apart.
export type { CreateSessionResponse, ExchangeTokenResponse, SubmitStepResponse, UploadResponse } from './schemas.js';

/** `POST /sessions` request body. */
export interface CreateSessionBody {
  client_id: string;
  client_app_key: string;
  skill: string;
  tenant_user_id?: string;
}


/** `POST /sessions/{id}/steps` request body. */
export interface SubmitStepBody {
  client_id: string;
  nonce: string;
  skill: string;
  step: string;
  data: Record<string, unknown>;
}



/** `POST /tokens` request body (server side only). */
export interface ExchangeTokenBody {
  client_id: string;
  client_secret: string;
  temp_token: string;
}


/** The documented error body. Some endpoints send only `{ message }`. */
export interface ApiErrorBody {
  id?: string;
  type?: string;
  http?: number;
  code?: string;
  message?: string;
}

/**
 * Documented error `type` values.
 * @inline
 */
export type ApiErrorType = 'invalid_request' | 'unauthorized' | 'external_api_error' | 'internal_server_error';
