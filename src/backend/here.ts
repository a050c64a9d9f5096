// The URL of this module, used to find the package root (build/ or prebuilds/).
// The CommonJS build replaces this file's output with the __filename equivalent
// (scripts/build-ts.mjs), since CommonJS has no import.meta.
// @ts-ignore TS1343: import.meta is rewritten for the CommonJS output
export const hereUrl: string = import.meta.url;
