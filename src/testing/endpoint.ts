/** The API's endpoints, as the kit names them in records and fault filters. */
export type MockEndpoint = 'sessions' | 'steps' | 'upload' | 'tokens';
