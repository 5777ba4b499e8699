// helper.DefaultNormalizeScore: scale to 0..max by the highest score, optionally reversed (fewer is better).
export function defaultNormalize(max: number, reverse: boolean, scores: number[]): void {
  let hi = 0;
  for (const s of scores) if (s > hi) hi = s;
  if (hi === 0) {
    if (reverse) scores.fill(max);
    return;
  }
  for (let i = 0; i < scores.length; i++) {
    let s = Math.trunc((max * scores[i]) / hi);
    if (reverse) s = max - s;
    scores[i] = s;
  }
}
