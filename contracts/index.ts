/** The shared contract: types and enums compiled by both the server and the console (no runtime code beyond constants). */
export * from './enums';
export type * from './api';
export type * from './socket-events';
export * from './workflows';
export * from './webhooks';
export * from './email';
