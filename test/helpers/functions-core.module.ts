/**
 * What `require('@azure/functions-core')` returns in every Jest test (jest.config.js `moduleNameMapper`):
 * the fake core API, so `app.*` and `df.app.*` registrations land in functions-core.fake.ts's capture.
 */
import { fakeFunctionsCore } from './functions-core.fake';

export = fakeFunctionsCore;
