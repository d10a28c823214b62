/**
 * Types shared by the Hostplane frontend and backend.
 *
 * @packageDocumentation
 */
export * from './hubs';
export * from './labels';
