import { Resvg } from '@resvg/resvg-js';
import { DateTime } from 'luxon';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { JAPANESE_FONT } from '../package-root.ts';
import { zoneAbbr } from '../time.ts';
import type { ChartPoint } from './data.ts';

export const SERIES_COLOR = '#1f77b4';
const BAND_COLOR = '#f2a541';

const FONT_FAMILY = 'IPAexGothic';

export interface ChartOptions {
  title: string;
  subtitle: string;
  points: ChartPoint[];
  /** The zone the time axis reads in (the list's), named on the axis. */
  zone: string;
  /** Ticks as dates (a week) or as hours (a day or two). */
  span: 'week' | 'day';
}

/**
 * One port's hours as a chart: hourly events, the 48-hour moving average and the +/-1.645 sigma
 * band, as the daily-overview seed draws them; hours without sensor data are left blank, never
 * bridged. Vega-Lite compiles the spec, Vega renders SVG without a browser, resvg turns it into PNG.
 */
export async function hourlyChart(o: ChartOptions): Promise<{ svg: string; png: Buffer }> {
  // The axis shows the zone's wall clock: each hour moved by the zone's offset then, read as UTC.
  const shift = (iso: string) => {
    const t = DateTime.fromISO(iso, { zone: 'utc' });
    return t.toMillis() + t.setZone(o.zone).offset * 60_000;
  };
  const abbr = o.points.length ? zoneAbbr(DateTime.fromISO(o.points[0]!.hour, { zone: o.zone })) : 'UTC';
  const values = o.points.map((p) => ({ ...p, t: shift(p.hour) }));
  const x = {
    field: 't',
    type: 'temporal' as const,
    scale: { type: 'utc' as const },
    title: `時刻 / time (${abbr})`,
    axis: o.span === 'week' ? { format: '%m-%d', tickCount: 7 } : { format: '%H:%M', tickCount: 12 },
  };
  const y = { field: 'events', type: 'quantitative' as const, title: '件/時 events/hour' };
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: { text: o.title, subtitle: o.subtitle },
    width: 640,
    height: 200,
    background: 'white',
    data: { values },
    layer: [
      {
        mark: { type: 'area', color: BAND_COLOR, opacity: 0.25 },
        encoding: { x, y: { ...y, field: 'lower' }, y2: { field: 'upper' } },
      },
      {
        mark: { type: 'line', color: BAND_COLOR, strokeDash: [4, 3] },
        encoding: { x, y: { ...y, field: 'mean' } },
      },
      {
        // A gap is a gap: Vega breaks the line at null values instead of joining across them.
        mark: { type: 'line', color: SERIES_COLOR, strokeWidth: 1.5, point: o.span === 'day' },
        encoding: { x, y },
      },
    ],
    config: { font: FONT_FAMILY, title: { subtitleColor: '#555' } },
  };
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  const png = new Resvg(svg, {
    fitTo: { mode: 'width', value: 1280 },
    font: { fontFiles: [JAPANESE_FONT], loadSystemFonts: false, defaultFontFamily: FONT_FAMILY },
  })
    .render()
    .asPng();
  return { svg, png: Buffer.from(png) };
}
