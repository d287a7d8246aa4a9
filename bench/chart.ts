/**
 * bench/sweep.svg: sweep time against its floor (Partner Center calls / rate) for each book size,
 * as grouped bars. Hand-written SVG, no browser.
 */
import type { SweepPoint } from './results';

const WIDTH = 640;
const HEIGHT = 320;
const MARGIN = { top: 40, right: 20, bottom: 60, left: 60 };
const COLORS = { sweep: '#2f6fb0', floor: '#b9c7d6' };

export function sweepChart(points: readonly SweepPoint[]): string {
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const top = niceCeiling(Math.max(1, ...points.flatMap((p) => [p.seconds, p.floorSeconds])));
  const y = (seconds: number): number => MARGIN.top + plotHeight - (seconds / top) * plotHeight;
  const group = plotWidth / Math.max(1, points.length);
  const bar = Math.min(60, group / 3);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<title>Compliance sweep time against the Partner Center floor</title>`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${MARGIN.left}" y="20" font-size="14" font-weight="bold">Sweep time vs floor (calls / rate), seconds</text>`,
  ];
  for (let i = 0; i <= 4; i++) {
    const value = (top * i) / 4;
    const at = y(value).toFixed(1);
    parts.push(
      `<line x1="${MARGIN.left}" y1="${at}" x2="${WIDTH - MARGIN.right}" y2="${at}" stroke="#e3e3e3"/>`,
      `<text x="${MARGIN.left - 8}" y="${at}" text-anchor="end" dominant-baseline="middle">${format(value)}</text>`,
    );
  }
  points.forEach((point, index) => {
    const left = MARGIN.left + index * group + (group - 2 * bar) / 2;
    const base = y(0);
    for (const [offset, seconds, color] of [
      [0, point.seconds, COLORS.sweep],
      [bar, point.floorSeconds, COLORS.floor],
    ] as const) {
      const height = base - y(seconds);
      parts.push(
        `<rect x="${(left + offset).toFixed(1)}" y="${y(seconds).toFixed(1)}" width="${bar.toFixed(1)}" height="${height.toFixed(1)}" fill="${color}"/>`,
        `<text x="${(left + offset + bar / 2).toFixed(1)}" y="${(y(seconds) - 4).toFixed(1)}" text-anchor="middle">${format(seconds)}</text>`,
      );
    }
    const center = (left + bar).toFixed(1);
    parts.push(
      `<text x="${center}" y="${HEIGHT - MARGIN.bottom + 18}" text-anchor="middle">${point.customers.toLocaleString('en-US')} customers</text>`,
      `<text x="${center}" y="${HEIGHT - MARGIN.bottom + 34}" text-anchor="middle" fill="#666">${point.completed ? `${point.ratePerSecond}/s, ${point.latencyMs} ms` : 'stopped at the time limit'}</text>`,
    );
  });
  const legendY = HEIGHT - 10;
  parts.push(
    `<rect x="${MARGIN.left}" y="${legendY - 10}" width="12" height="12" fill="${COLORS.sweep}"/>`,
    `<text x="${MARGIN.left + 18}" y="${legendY}">sweep</text>`,
    `<rect x="${MARGIN.left + 80}" y="${legendY - 10}" width="12" height="12" fill="${COLORS.floor}"/>`,
    `<text x="${MARGIN.left + 98}" y="${legendY}">floor</text>`,
    '</svg>',
  );
  return `${parts.join('\n')}\n`;
}

/** 1, 2 or 5 times a power of ten, at or above `value`. */
export function niceCeiling(value: number): number {
  const power = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 5, 10].find((m) => m * power >= value) ?? 10;
  return step * power;
}

function format(seconds: number): string {
  if (seconds === 0) return '0';
  return seconds >= 100 ? seconds.toFixed(0) : seconds >= 10 ? seconds.toFixed(1) : seconds.toFixed(2);
}
