/** Where the HTTP API lives; its request and response shapes come from the shared contract (contracts/ at the repository root). */
export const API_BASE = '/api/v1';
