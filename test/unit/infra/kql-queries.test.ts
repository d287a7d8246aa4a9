/**
 * Every KQL query the deployment or the guide gives an operator is valid against the tables it reads:
 * the alert rules (a bad query fails `azd provision`), the workbook's charts and the guide's queries.
 */
import { readRepoFile } from './bicep-reader';
import { kqlErrors } from './kql';

interface Rule {
  name: string;
  query: string[];
}
interface Workbook {
  items: { name: string; content: { query?: string } }[];
}

// The language service builds its function and operator tables on first use: slow on a loaded machine.
beforeAll(() => {
  expect(kqlErrors('traces | take 1')).toEqual([]);
}, 120_000);

describe('KQL', () => {
  it('rejects what Azure Monitor would reject: unknown operators and columns', () => {
    expect(kqlErrors('traces | whre message has "x"')).not.toEqual([]);
    expect(kqlErrors('traces | where mesage has "x"')).not.toEqual([]);
    expect(kqlErrors('traces | summarize n = countt()')).not.toEqual([]);
  });

  it('of every alert rule is valid', () => {
    const rules = JSON.parse(readRepoFile('infra/app/alert-rules.json')) as Rule[];
    for (const rule of rules) expect([rule.name, kqlErrors(rule.query.join('\n'))]).toEqual([rule.name, []]);
  });

  it('of every workbook chart is valid', () => {
    const workbook = JSON.parse(readRepoFile('infra/app/workbook.json')) as Workbook;
    const queries = workbook.items.filter((item) => item.content.query !== undefined);
    expect(queries.length).toBeGreaterThan(5);
    for (const item of queries)
      expect([item.name, kqlErrors(item.content.query ?? '')]).toEqual([item.name, []]);
  });

  it('of every query in the operations guide is valid', () => {
    const blocks = [...readRepoFile('docs/operations.md').matchAll(/```kusto\n([\s\S]*?)```/g)].map(
      (match) => match[1] ?? '',
    );
    expect(blocks.length).toBeGreaterThan(3);
    for (const block of blocks) expect([block, kqlErrors(block)]).toEqual([block, []]);
  });
});
