/**
 * What an AGV's VDA 5050 2.0 factsheet says it can take (`factsheet-capabilities.ts`) and the fit of
 * every order to it before it is published (`order-fit.ts`): one import for both.
 */
export * from './factsheet-capabilities.ts';
export * from './order-fit.ts';
