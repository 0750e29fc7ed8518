/** The shared contract: types and enums compiled by both the server and the console (no runtime code beyond constants). */
export * from './enums';
export * from './workflows';
