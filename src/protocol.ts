/**
 * Wire shapes of the onboarding API (see PROTOCOL.md), shared by the client,
 * the testing kit and the server helper so that none depends on another's
 * internals. Field names are the API's (snake_case); nothing here is exported
 * from the main entry except through the SDK's own camelCase types.
 */

/** `POST /sessions` request body. */
export interface CreateSessionBody {
  client_id: string;
  client_app_key: string;
  skill: string;
  tenant_user_id?: string;
}

/** `POST /sessions` 200 body. */
export interface CreateSessionResponse {
  nonce: string;
  session_id: string;
  status: string;
}

/** `POST /sessions/{id}/steps` request body. */
export interface SubmitStepBody {
  client_id: string;
  nonce: string;
  skill: string;
  step: string;
  data: Record<string, unknown>;
}

/** `POST /sessions/{id}/steps` 200 body; the last step carries `temp_token` and may omit `nonce`. */
export interface SubmitStepResponse {
  step_id: string;
  nonce?: string;
  temp_token?: string;
  status: string;
  data?: Record<string, unknown>;
}

/** `POST /steps/{step_id}/upload` 200 body; `nonce` is optional (assumed both shapes). */
export interface UploadResponse {
  step_id: string;
  status: string;
  nonce?: string;
}

/** `POST /tokens` request body (server side only). */
export interface ExchangeTokenBody {
  client_id: string;
  client_secret: string;
  temp_token: string;
}

/** `POST /tokens` 200 body. */
export interface ExchangeTokenResponse {
  credentials_id: string;
  access_token: string;
  consent_exp: string;
  max_data_retention: string;
}

/** The documented error body. Some endpoints send only `{ message }`. */
export interface ApiErrorBody {
  id?: string;
  type?: string;
  http?: number;
  code?: string;
  message?: string;
}

/** Documented error `type` values. */
export type ApiErrorType = 'invalid_request' | 'unauthorized' | 'external_api_error' | 'internal_server_error';

/** Nonces live 30 minutes after they are issued (documented). */
export const NONCE_TTL_MS = 30 * 60 * 1000;
