import { describe, expect, it } from 'vitest';
import { parseCron } from './cron';

const at = (s: string) => new Date(s);
const next = (expr: string, after: string, tz?: string) => parseCron(expr).next(at(after), tz).toISOString();

describe('parseCron', () => {
  it('*/5 fires on the next multiple of five minutes, strictly after the given time', () => {
    expect(next('*/5 * * * *', '2025-03-10T10:02:30Z')).toBe('2025-03-10T10:05:00.000Z');
    expect(next('*/5 * * * *', '2025-03-10T10:05:00Z')).toBe('2025-03-10T10:10:00.000Z');
  });
  it('handles ranges, lists and steps within ranges', () => {
    expect(next('0 9-17 * * 1-5', '2025-03-07T17:30:00Z')).toBe('2025-03-10T09:00:00.000Z'); // Friday evening -> Monday
    expect(next('15,45 * * * *', '2025-03-10T10:20:00Z')).toBe('2025-03-10T10:45:00.000Z');
    expect(next('10-30/10 * * * *', '2025-03-10T10:21:00Z')).toBe('2025-03-10T10:30:00.000Z');
  });
  it('supports month and weekday names', () => {
    expect(next('0 0 1 jan *', '2025-03-10T00:00:00Z')).toBe('2026-01-01T00:00:00.000Z');
    expect(next('30 6 * * sun', '2025-03-10T00:00:00Z')).toBe('2025-03-16T06:30:00.000Z');
  });
  it('treats day-of-month and day-of-week as alternatives when both are restricted', () => {
    // the 13th, or any Friday
    expect(next('0 0 13 * 5', '2025-03-10T00:00:00Z')).toBe('2025-03-13T00:00:00.000Z');
    expect(next('0 0 13 * 5', '2025-03-13T00:00:00Z')).toBe('2025-03-14T00:00:00.000Z');
  });
  it('understands descriptors', () => {
    expect(next('@daily', '2025-03-10T10:00:00Z')).toBe('2025-03-11T00:00:00.000Z');
    expect(next('@hourly', '2025-03-10T10:00:00Z')).toBe('2025-03-10T11:00:00.000Z');
    expect(next('@monthly', '2025-03-10T10:00:00Z')).toBe('2025-04-01T00:00:00.000Z');
    expect(next('@weekly', '2025-03-10T10:00:00Z')).toBe('2025-03-16T00:00:00.000Z');
    expect(next('@every 90m', '2025-03-10T10:00:00Z')).toBe('2025-03-10T11:30:00.000Z');
  });
  it('evaluates the schedule in a time zone', () => {
    // 09:00 in New York is 13:00 UTC during daylight saving time and 14:00 UTC outside it
    expect(next('0 9 * * *', '2025-07-01T00:00:00Z', 'America/New_York')).toBe('2025-07-01T13:00:00.000Z');
    expect(next('0 9 * * *', '2025-01-15T00:00:00Z', 'America/New_York')).toBe('2025-01-15T14:00:00.000Z');
    expect(next('@daily', '2025-03-10T10:00:00Z', 'Asia/Tokyo')).toBe('2025-03-10T15:00:00.000Z');
  });
  it('finds leap days', () => {
    expect(next('0 0 29 2 *', '2025-03-01T00:00:00Z')).toBe('2028-02-29T00:00:00.000Z');
  });
  it('rejects malformed schedules with the upstream parser messages', () => {
    expect(() => parseCron('bad')).toThrow('expected exactly 5 fields, found 1: [bad]');
    expect(() => parseCron('61 * * * *')).toThrow('end of range (61) above maximum (59): 61');
    expect(() => parseCron('* * * * 7')).toThrow('end of range (7) above maximum (6): 7');
    expect(() => parseCron('5-1 * * * *')).toThrow('beginning of range (5) beyond end of range (1): 5-1');
    expect(() => parseCron('@fortnightly')).toThrow('unrecognized descriptor: @fortnightly');
    expect(() => parseCron('*/0 * * * *')).toThrow('step of range should be a positive number: */0');
  });
});
