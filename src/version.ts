/** Kept in step with package.json by tests/engine.test.ts. */
export const VERSION = '0.1.0';
