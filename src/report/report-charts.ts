import { BarChart, LineChart } from 'echarts/charts';
import { AriaComponent, GridComponent, LegendComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import type { CampaignReport } from './campaign-report.ts';

// Apache ECharts draws the charts, on the server, as SVG (its server-side rendering): the
// report is one file with no script and no CDN, and reads the same offline.
echarts.use([BarChart, LineChart, GridComponent, LegendComponent, AriaComponent, SVGRenderer]);

export type Scheme = 'light' | 'dark';
/** A phone's column and a desktop's: the page shows the one that fits (report-page.ts). */
export type Width = 'narrow' | 'wide';

const WIDTHS: Record<Width, number> = { narrow: 340, wide: 860 };

/** Colours with ≥ 4.5:1 contrast for text on each scheme's background (#ffffff, #16181d). */
export const PALETTE: Record<Scheme, { text: string; muted: string; grid: string; series: [string, string, string, string] }> = {
  light: { text: '#1f2328', muted: '#57606a', grid: '#d0d7de', series: ['#0969da', '#1a7f37', '#bc4c00', '#8250df'] },
  dark: { text: '#e6edf3', muted: '#9da7b3', grid: '#3d444d', series: ['#58a6ff', '#3fb950', '#f0883e', '#bc8cff'] },
};

const FONT = "'Noto Sans KR', 'Noto Sans CJK KR', 'Apple SD Gothic Neo', 'Malgun Gothic', system-ui, sans-serif";

/** One chart, rendered for each scheme and width. */
export interface ChartSvgs {
  /** What the chart shows, in words (the SVG's accessible name, and its caption). */
  label: string;
  svgs: { scheme: Scheme; width: Width; svg: string }[];
}

function draw(option: echarts.EChartsCoreOption, width: number, height: number): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ animation: false, textStyle: { fontFamily: FONT }, ...option });
    // Scaled to its column: the viewBox keeps the proportions, the width follows the page.
    return chart.renderToSVGString().replace(/^<svg width="\d+" height="\d+"/, '<svg width="100%" preserveAspectRatio="xMidYMid meet" focusable="false"');
  } finally {
    chart.dispose();
  }
}

function variants(label: string, make: (scheme: Scheme, width: Width) => { option: echarts.EChartsCoreOption; height: number }): ChartSvgs {
  const svgs: ChartSvgs['svgs'] = [];
  for (const scheme of ['light', 'dark'] as const) {
    for (const width of ['narrow', 'wide'] as const) {
      const { option, height } = make(scheme, width);
      svgs.push({ scheme, width, svg: draw({ aria: { enabled: true, label: { description: label } }, ...option }, WIDTHS[width], height) });
    }
  }
  return { label, svgs };
}

const axis = (p: (typeof PALETTE)[Scheme]) => ({
  axisLine: { lineStyle: { color: p.grid } },
  axisLabel: { color: p.muted },
  splitLine: { lineStyle: { color: p.grid } },
});

/** Sent → delivered → opened → clicked, as horizontal bars with counts and shares of sent. */
export function funnelChart(report: CampaignReport): ChartSvgs {
  const steps = [
    ['Sent', report.sent],
    ['Delivered', report.delivered],
    ['Opened*', report.opened.unique],
    ['Clicked', report.clicked.unique],
  ] as const;
  const share = (n: number) => (report.sent > 0 ? ` (${((n / report.sent) * 100).toFixed(1)}%)` : '');
  const label = `Delivery funnel: ${steps.map(([name, n]) => `${name.replace('*', '')} ${n.toLocaleString('en-US')}${share(n)}`).join(', ')}. Opens are an upper bound.`;
  return variants(label, (scheme, width) => {
    const p = PALETTE[scheme];
    return {
      height: 200,
      option: {
        grid: { left: width === 'narrow' ? 72 : 96, right: width === 'narrow' ? 96 : 140, top: 8, bottom: 8 },
        xAxis: { type: 'value', show: false, max: Math.max(1, report.sent) },
        yAxis: { type: 'category', inverse: true, data: steps.map(([name]) => name), axisTick: { show: false }, axisLine: { show: false }, axisLabel: { color: p.text, fontSize: 13 } },
        series: [
          {
            type: 'bar',
            barWidth: '60%',
            data: steps.map(([, n], i) => ({ value: n, itemStyle: { color: p.series[i % 4] } })),
            label: { show: true, position: 'right', color: p.text, fontSize: 12, formatter: (d: { value: number }) => `${d.value.toLocaleString('en-US')}${share(d.value)}` },
          },
        ],
      },
    };
  });
}

/** Delivered, opened and clicked per hour since the send. */
export function timelineChart(report: CampaignReport): ChartSvgs {
  const hours = report.timeline;
  const peak = (key: 'opened' | 'clicked') => hours.reduce((best, h) => (h[key] > (best?.[key] ?? -1) ? h : best), hours[0]);
  const label =
    hours.length === 0
      ? 'Events over time: none yet.'
      : `Events per hour over ${hours.length} hour${hours.length === 1 ? '' : 's'} since the send: most opens in hour ${(peak('opened')?.hour ?? 0) + 1}, most clicks in hour ${(peak('clicked')?.hour ?? 0) + 1}.`;
  return variants(label, (scheme, width) => {
    const p = PALETTE[scheme];
    const series = (['delivered', 'opened', 'clicked'] as const).map((key, i) => ({
      name: key[0]?.toUpperCase() + key.slice(1),
      type: 'line',
      showSymbol: hours.length <= 24,
      lineStyle: { width: 2, color: p.series[i] },
      itemStyle: { color: p.series[i] },
      data: hours.map((h) => h[key]),
    }));
    return {
      height: width === 'narrow' ? 240 : 280,
      option: {
        legend: { top: 0, textStyle: { color: p.text } },
        grid: { left: 48, right: 16, top: 36, bottom: 32 },
        xAxis: { type: 'category', name: 'hours', nameLocation: 'end', nameTextStyle: { color: p.muted }, data: hours.map((h) => String(h.hour + 1)), boundaryGap: false, ...axis(p) },
        yAxis: { type: 'value', minInterval: 1, ...axis(p) },
        series,
      },
    };
  });
}

/** The ten most clicked links, by unique clicks. */
export function linksChart(report: CampaignReport): ChartSvgs {
  const top = report.links.slice(0, 10);
  const short = (url: string, max: number) => {
    const plain = url.replace(/^https?:\/\//, '').replace(/[?#].*$/, '');
    return plain.length > max ? `${plain.slice(0, max - 1)}…` : plain;
  };
  const label =
    top.length === 0
      ? 'Clicks per link: no clicks yet.'
      : `Unique clicks per link, the ${top.length} most clicked: ${top.map((l) => `${short(l.url, 60)} ${l.uniqueClicks}`).join(', ')}.`;
  return variants(label, (scheme, width) => {
    const p = PALETTE[scheme];
    const max = width === 'narrow' ? 22 : 48;
    return {
      height: 40 + Math.max(1, top.length) * 30,
      option: {
        grid: { left: width === 'narrow' ? 150 : 330, right: 44, top: 8, bottom: 8 },
        xAxis: { type: 'value', show: false, minInterval: 1 },
        yAxis: { type: 'category', inverse: true, data: top.map((l) => short(l.url, max)), axisTick: { show: false }, axisLine: { show: false }, axisLabel: { color: p.text, fontSize: 12 } },
        series: [{ type: 'bar', barWidth: '60%', itemStyle: { color: p.series[0] }, label: { show: true, position: 'right', color: p.text }, data: top.map((l) => l.uniqueClicks) }],
      },
    };
  });
}
