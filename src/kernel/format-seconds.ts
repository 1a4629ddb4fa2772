/** A duration as people read it in messages: `2.50 s` below ten seconds, `12.3 s` above. */
export function formatSeconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(2)} s` : `${(ms / 1000).toFixed(1)} s`;
}
