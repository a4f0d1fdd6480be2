// A small SVG chart, no dependency: cumulative responses over time for each client against the rate-limit windows.
// 2xx in the client's colour, 429s in red.

export interface Series {
  readonly name: string;
  readonly color: string;
  readonly points: readonly { at: number; status: number }[];
}

export function requestsOverTime(series: readonly Series[], windowMs: number, limit: number): string {
  const width = 760;
  const height = 360;
  const pad = { left: 56, right: 16, top: 36, bottom: 44 };
  const maxT = Math.max(1, ...series.flatMap((s) => s.points.map((p) => p.at)));
  const maxN = Math.max(1, ...series.map((s) => s.points.length));
  const x = (t: number) => pad.left + (t / maxT) * (width - pad.left - pad.right);
  const y = (n: number) => height - pad.bottom - (n / maxN) * (height - pad.top - pad.bottom);
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<title>Responses over time against ${limit}-per-${windowMs / 1000}-second rate-limit windows: ${series.map((s) => s.name).join(', ')}</title>`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${pad.left}" y="20" font-size="14">Responses over time: ${limit} calls allowed per ${windowMs / 1000} s window (dashed: window limits)</text>`,
  );
  for (let t = 0; t <= maxT; t += windowMs) {
    parts.push(
      `<line x1="${x(t)}" y1="${pad.top}" x2="${x(t)}" y2="${height - pad.bottom}" stroke="#ccc"/>`,
      `<text x="${x(t)}" y="${height - pad.bottom + 16}" text-anchor="middle">${t / 1000} s</text>`,
    );
  }
  for (let n = limit; n <= maxN; n += limit) {
    parts.push(
      `<line x1="${pad.left}" y1="${y(n)}" x2="${width - pad.right}" y2="${y(n)}" stroke="#999" stroke-dasharray="4 4"/>`,
      `<text x="${pad.left - 6}" y="${y(n) + 4}" text-anchor="end">${n}</text>`,
    );
  }
  parts.push(
    `<line x1="${pad.left}" y1="${height - pad.bottom}" x2="${width - pad.right}" y2="${height - pad.bottom}" stroke="black"/>`,
    `<line x1="${pad.left}" y1="${pad.top}" x2="${pad.left}" y2="${height - pad.bottom}" stroke="black"/>`,
    `<text x="${width / 2}" y="${height - 8}" text-anchor="middle">time since the first call</text>`,
    `<text x="14" y="${height / 2}" transform="rotate(-90 14 ${height / 2})" text-anchor="middle">responses (cumulative)</text>`,
  );
  series.forEach((s, index) => {
    s.points.forEach((p, i) => {
      const limited = p.status === 429;
      parts.push(
        `<circle cx="${x(p.at).toFixed(1)}" cy="${y(i + 1).toFixed(1)}" r="${limited ? 3 : 2}" fill="${limited ? '#d62728' : s.color}"/>`,
      );
    });
    const tooMany = s.points.filter((p) => p.status === 429).length;
    parts.push(
      `<circle cx="${pad.left + 16}" cy="${pad.top + 14 + index * 18}" r="4" fill="${s.color}"/>`,
      `<text x="${pad.left + 26}" y="${pad.top + 18 + index * 18}">${s.name}: ${s.points.length} responses, ${tooMany} × 429</text>`,
    );
  });
  parts.push(
    `<circle cx="${pad.left + 16}" cy="${pad.top + 14 + series.length * 18}" r="4" fill="#d62728"/>`,
    `<text x="${pad.left + 26}" y="${pad.top + 18 + series.length * 18}">429 Too Many Requests</text>`,
    '</svg>',
  );
  return parts.join('\n');
}
