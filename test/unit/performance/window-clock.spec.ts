import { alignWindowEnd, windowBounds } from '../../../src/monitoring-jobs/window-clock';

describe('window clock', () => {
  it('instances firing a little apart (or late) in one tick compute the same window end', () => {
    const ends = ['2026-03-01T12:15:00.003Z', '2026-03-01T12:15:00.950Z', '2026-03-01T12:29:59.999Z'].map((t) =>
      alignWindowEnd(new Date(t), 15).toISOString(),
    );
    expect(new Set(ends)).toEqual(new Set(['2026-03-01T12:15:00.000Z']));
  });

  it('daily windows align to UTC midnight; the window is [end − length, end)', () => {
    const end = alignWindowEnd(new Date('2026-03-01T00:00:07Z'), 1440);
    expect(end.toISOString()).toBe('2026-03-01T00:00:00.000Z');
    expect(windowBounds(end, 60)).toEqual({ start: new Date('2026-02-28T23:00:00Z'), end });
  });
});
