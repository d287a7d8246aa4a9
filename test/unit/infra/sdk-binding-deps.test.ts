/**
 * The Service Bus SDK binding works only when `@azure/functions` and the extension share one
 * `@azure/functions-extensions-base`: the extension registers its message factory in that module's
 * resolver, and `@azure/functions` looks it up in its own. Two copies mean "Factory ... is not
 * registered" for every CRM message in Azure (package.json `overrides` keeps them one).
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { REPO_ROOT } from './bicep-reader';

const BASE = '@azure/functions-extensions-base';

/** The file Node loads for the base module when `pkg` requires it (Node's resolver, not Jest's). */
function baseSeenFrom(pkg: string): string {
  const fromRepo = createRequire(path.join(REPO_ROOT, 'package.json'));
  return createRequire(fromRepo.resolve(pkg)).resolve(BASE);
}

it('@azure/functions and the Service Bus extension resolve the same extensions-base', () => {
  expect(baseSeenFrom('@azure/functions-extensions-servicebus')).toBe(baseSeenFrom('@azure/functions'));
});
