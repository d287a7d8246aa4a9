import { formatFields, formatJson, formatTable } from '../../../cli/output';

describe('formatTable', () => {
  it.each([
    ['pads columns to the widest cell, no trailing spaces', ['a', 'bb'], [['xxx', 'y']], 'a    bb\nxxx  y\n'],
    ['empty cells for null and undefined', ['a', 'b', 'c'], [[null, undefined, 1]], 'a  b  c\n      1\n'],
    ['only the header without rows', ['tenantId', 'state'], [], 'tenantId  state\n'],
    ['booleans and numbers as text', ['ok', 'n'], [[true, 12]], 'ok    n\ntrue  12\n'],
    ['line breaks inside a cell become spaces', ['detail'], [['one\ntwo']], 'detail\none two\n'],
  ])('%s', (_case, columns, rows, expected) => {
    expect(formatTable(columns, rows)).toBe(expected);
  });
});

describe('formatFields', () => {
  it.each([
    ['aligns the keys', { a: 1, long: 'x' }, 'a:    1\nlong: x\n'],
    ['leaves out empty values', { a: null, b: '', c: false }, 'c: false\n'],
  ])('%s', (_case, fields, expected) => {
    expect(formatFields(fields)).toBe(expected);
  });
});

it('formatJson: indented, one trailing newline', () => {
  expect(formatJson({ a: [1] })).toBe('{\n  "a": [\n    1\n  ]\n}\n');
});
