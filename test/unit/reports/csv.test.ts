import { csvCell, csvRecord, type CsvValue } from '../../../shared/reports';

describe('csvCell', () => {
  it.each<[string, CsvValue, string]>([
    ['plain text as is', 'Contoso', 'Contoso'],
    ['non-ASCII as is', '株式会社コントソ', '株式会社コントソ'],
    ['null as empty', null, ''],
    ['undefined as empty', undefined, ''],
    ['an empty string as empty', '', ''],
    ['a number', 3, '3'],
    ['a boolean', true, 'true'],
    ['an ISO date (starts with a digit)', '2026-03-02T09:00:00.000Z', '2026-03-02T09:00:00.000Z'],
    ['a comma: quoted', 'Contoso, Ltd.', '"Contoso, Ltd."'],
    ['a quote: doubled and quoted', 'The "Best" Co', '"The ""Best"" Co"'],
    ['a line feed: quoted', 'line1\nline2', '"line1\nline2"'],
    ['a CRLF: quoted', 'line1\r\nline2', '"line1\r\nline2"'],
    ['a quote alone', '"', '""""'],
    ['= formula: neutralised', '=1+2', "'=1+2"],
    ['+ formula: neutralised', '+81 3 1234', "'+81 3 1234"],
    ['- formula: neutralised', '-2+3', "'-2+3"],
    ['@ formula: neutralised', '@SUM(A1:A2)', "'@SUM(A1:A2)"],
    ['leading tab: neutralised', '\t=1', "'\t=1"],
    ['leading CR: neutralised and quoted', '\r=1', `"'\r=1"`],
    [
      'formula with comma and quotes: neutralised, then quoted',
      '=HYPERLINK("http://x","y")',
      `"'=HYPERLINK(""http://x"",""y"")"`,
    ],
    ['= later in the text as is', 'a=b', 'a=b'],
  ])('%s', (_name, value, expected) => {
    expect(csvCell(value)).toBe(expected);
  });
});

describe('csvRecord', () => {
  it('joins cells with commas and ends with CRLF', () => {
    expect(csvRecord(['a', null, 'b,c', 2])).toBe('a,,"b,c",2\r\n');
  });

  it('keeps an all-empty record as commas', () => {
    expect(csvRecord([null, undefined, ''])).toBe(',,\r\n');
  });
});
