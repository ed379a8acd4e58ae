import { describe, expect, it } from 'vitest';
import { judgeGrowth, secondHalf, slopePerMinute } from './trend.ts';

const minutes = (values: number[]) => values.map((value, index) => ({ atMs: index * 60_000, value }));

describe('memory trend over a soak run', () => {
  it('fits the slope per minute', () => {
    expect(slopePerMinute(minutes([10, 12, 14, 16]))).toBeCloseTo(2);
    expect(slopePerMinute(minutes([5]))).toBeNaN();
  });

  it('judges only the second half: warm-up growth that levels off passes, steady growth fails', () => {
    const levelled = minutes([100, 140, 170, 180, 181, 180, 181, 180]);
    expect(secondHalf(levelled).map((sample) => sample.value)).toEqual([181, 180, 181, 180]);
    expect(judgeGrowth('rss', levelled, 1).unbounded).toBe(false);
    expect(judgeGrowth('rss', minutes([100, 110, 120, 130, 140, 150, 160, 170]), 1)).toMatchObject({ unbounded: true, slopePerMinute: 10 });
  });

  it('noise around a plateau is no leak, even when a few samples fit a steep slope', () => {
    const noisy = minutes([100, 150, 120, 150, 110, 120, 140, 150]);
    expect(judgeGrowth('rss', noisy, 1, 8)).toMatchObject({ unbounded: false, newHighAbove: 0 });
    expect(judgeGrowth('rss', minutes([100, 150, 120, 150, 110, 120, 150, 170]), 1, 8).unbounded).toBe(true);
  });
});
