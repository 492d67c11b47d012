/** The emulator control API (/emulator/api): one schema per request and response, shared by the emulator, its console and the tests. */
export * from './common';
export * from './clients';
export * from './calls';
export * from './messages';
export * from './phones';
export * from './faults';
export * from './applications';
export * from './conferences';
export * from './state';
export * from './account';
export * from './recordings';
