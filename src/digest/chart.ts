import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { ChartPoint } from './data.ts';

export const SERIES_COLOR = '#1f77b4';
const BAND_COLOR = '#f2a541';

/**
 * One port's week as a chart: hourly events, the 48-hour moving average and the +/-1.645 sigma
 * band, as the daily-overview seed draws them. Vega-Lite compiles the spec, Vega renders SVG
 * without a browser, resvg turns it into PNG.
 */
export async function weekChart(
  title: string,
  points: ChartPoint[],
  bandLabel: string,
): Promise<{ svg: string; png: Buffer }> {
  const values = points.map((p) => ({ ...p, t: p.hour }));
  const x = { field: 't', type: 'temporal' as const, title: 'UTC', axis: { format: '%m-%d', tickCount: 7 } };
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: { text: title, subtitle: bandLabel },
    width: 640,
    height: 200,
    background: 'white',
    data: { values },
    layer: [
      {
        mark: { type: 'area', color: BAND_COLOR, opacity: 0.25 },
        encoding: { x, y: { field: 'lower', type: 'quantitative', title: 'events / hour' }, y2: { field: 'upper' } },
      },
      {
        mark: { type: 'line', color: BAND_COLOR, strokeDash: [4, 3] },
        encoding: { x, y: { field: 'mean', type: 'quantitative' } },
      },
      {
        mark: { type: 'line', color: SERIES_COLOR, strokeWidth: 1.5 },
        encoding: { x, y: { field: 'events', type: 'quantitative' } },
      },
    ],
    config: { font: 'DejaVu Sans, sans-serif', title: { subtitleColor: '#555' } },
  };
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  const png = new Resvg(svg, { fitTo: { mode: 'width', value: 1280 }, font: { loadSystemFonts: true } })
    .render()
    .asPng();
  return { svg, png: Buffer.from(png) };
}
