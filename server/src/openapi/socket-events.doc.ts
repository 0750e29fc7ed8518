/** The Socket.IO side of the API, which OpenAPI cannot express: described in the document's text and an x- extension. */
export const SOCKET_EVENTS = {
  path: '/socket.io',
  auth: 'connect with auth: {token: <accessToken>}; no, invalid or revoked token → connect_error',
  events: {
    notification: { payload: '#/components/schemas/LiveNotification', to: 'its user only' },
    'notifications:unread-count': { payload: '#/components/schemas/UnreadCount', to: 'its user, after every change of the count' },
    'workflow:history': { payload: '#/components/schemas/History', to: 'ADMINs only' },
    'case:updated': { payload: '#/components/schemas/Case', to: 'every signed-in user who may see the case\'s scope (best effort, coalesced per case)' },
    'workflow:backtest-progress': { payload: '#/components/schemas/BacktestProgress', to: 'the ADMIN who started a backtest with a progressId' },
  },
};

export const API_DESCRIPTION = `Cases, evidence, workflow rules, notifications.

**Errors** answer \`{statusCode, error, message}\` (\`message\`: a string or one per invalid field): 400 invalid input
(unknown fields are refused), 401 no or bad token, 403 wrong role, 404 missing or not visible to you, 409 conflict,
412 stale If-Match, 413 too large, 415 not JSON, 429 throttled (Retry-After), 503 database unreachable.

**Lists** answer \`{items, total}\` with \`limit\` (1–200, default 50) and \`offset\`; notifications page by \`cursor\`.

**Socket.IO** at \`${SOCKET_EVENTS.path}\`, ${SOCKET_EVENTS.auth}. Server → client events (see \`x-socket-events\`):
${Object.entries(SOCKET_EVENTS.events).map(([name, e]) => `- \`${name}\`: ${e.payload.split('/').pop()}, to ${e.to}`).join('\n')}

The full reference, with rule-writing and operations guides, is in the repository's docs/ folder.`;
