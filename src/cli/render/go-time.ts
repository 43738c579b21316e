// Go's time.Time String() in UTC, as docker prints CreatedAt: "2024-01-02 03:04:05 +0000 UTC".
export function goTime(iso: string): string {
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return '';
  return `${t.toISOString().replace('T', ' ').replace(/\.\d+Z$/, '').replace(/Z$/, '')} +0000 UTC`;
}
