/** One sample of a series: when (ms) and what. */
export interface TimedValue {
  atMs: number;
  value: number;
}

/** Least-squares slope of `value` over time, per minute; NaN with fewer than two distinct times. */
export function slopePerMinute(samples: readonly TimedValue[]): number {
  const usable = samples.filter((sample) => Number.isFinite(sample.value) && Number.isFinite(sample.atMs));
  if (usable.length < 2) return Number.NaN;
  const meanX = usable.reduce((sum, sample) => sum + sample.atMs, 0) / usable.length;
  const meanY = usable.reduce((sum, sample) => sum + sample.value, 0) / usable.length;
  let covariance = 0;
  let variance = 0;
  for (const sample of usable) {
    covariance += (sample.atMs - meanX) * (sample.value - meanY);
    variance += (sample.atMs - meanX) ** 2;
  }
  return variance === 0 ? Number.NaN : (covariance / variance) * 60_000;
}

/** The samples of the second half of the run (by time): warm-up growth is over by then. */
export function secondHalf(samples: readonly TimedValue[]): TimedValue[] {
  if (samples.length === 0) return [];
  const first = samples[0]!.atMs;
  const last = samples.at(-1)!.atMs;
  const middle = first + (last - first) / 2;
  return samples.filter((sample) => sample.atMs >= middle);
}

export interface GrowthVerdict {
  series: string;
  /** Slope over the second half, per minute. */
  slopePerMinute: number;
  limitPerMinute: number;
  /** How far the second half's highest value rose above the first half's. */
  newHighAbove: number;
  /** Over the limit: the series keeps growing after warm-up. */
  unbounded: boolean;
}

/**
 * Judges a memory series: it grows without bound when, over the second half of the run, its
 * least-squares slope exceeds `limitPerMinute` AND it reaches a new high more than `margin` above
 * the first half's. A series that grew during warm-up and then levelled off passes, and so does
 * noise around a plateau (a slope fitted on a few noisy samples can be steep; a leak also keeps
 * setting new highs).
 */
export function judgeGrowth(series: string, samples: readonly TimedValue[], limitPerMinute: number, margin = 0): GrowthVerdict {
  const later = secondHalf(samples);
  const earlier = samples.filter((sample) => !later.includes(sample));
  const highest = (values: readonly TimedValue[]) => Math.max(...values.map((sample) => sample.value).filter(Number.isFinite));
  const newHighAbove = earlier.length > 0 && later.length > 0 ? highest(later) - highest(earlier) : Number.NaN;
  const slope = slopePerMinute(later);
  const unbounded = Number.isFinite(slope) && slope > limitPerMinute && !(newHighAbove <= margin);
  return { series, slopePerMinute: slope, limitPerMinute, newHighAbove, unbounded };
}
