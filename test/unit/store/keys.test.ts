import { escapeKey, newestFirstRowKey } from '../../../shared/store/keys';
import { StoreValidationError } from '../../../shared/store/errors';

describe('escapeKey', () => {
  it('keeps safe names and escapes what Table keys forbid, one-to-one', () => {
    expect(escapeKey('crm-event_1.2:3@x=y+z')).toBe('crm-event_1.2:3@x=y+z');
    expect(escapeKey('a/b#c?d\\e')).toBe('a~2fb~23c~3fd~5ce');
    expect(escapeKey('~2f')).toBe('~7e2f');
    expect(escapeKey('顧客')).toBe('~e9a1a7~e5aea2');
    expect(escapeKey('a/b')).not.toBe(escapeKey('a~2fb'));
  });

  it('refuses what would exceed the 1 KiB key limit', () => {
    expect(() => escapeKey('/'.repeat(400))).toThrow(StoreValidationError);
  });
});

describe('newestFirstRowKey', () => {
  it('sorts later times first', () => {
    const earlier = newestFirstRowKey(Date.UTC(2026, 0, 1));
    const later = newestFirstRowKey(Date.UTC(2026, 0, 2));

    expect([earlier, later].sort()).toEqual([later, earlier]);
  });

  it('sorts later appends in one millisecond first, and never repeats a key', () => {
    const at = Date.UTC(2026, 0, 1, 12, 0, 0, 123);
    const keys = Array.from({ length: 100 }, () => newestFirstRowKey(at));

    expect([...keys].sort()).toEqual([...keys].reverse());
    expect(new Set(keys).size).toBe(100);
  });

  it('is the inverted .NET ticks, zero-padded to 19 digits', () => {
    // DateTime.MaxValue.Ticks - ticks(1970-01-01) = 3155378975999999999 - 621355968000000000
    expect(newestFirstRowKey(Date.UTC(1971, 0, 1)).slice(0, 19)).toBe(
      String(3155378975999999999n - 621355968000000000n - 315360000000000n),
    );
  });
});
