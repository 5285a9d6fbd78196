/**
 * The year as a picture (ECharts, only the modules it draws with, so they land in this page's chunk): each
 * phase a bar, each deadline a marker at its due instant on its phase's row, the review's opening and the
 * forwarding to the province, days off shaded (weekends grey, holidays red), 调休 working days blue and
 * marked 班, today a red line. Everything it shows is the API's (POST /plans/validate); the legend and the
 * same dates as text are the page's (YearPage), for people who do not see the picture.
 *
 * Times are Beijing wall-clock times drawn on a UTC axis, so the picture reads the same on a PC set to
 * another zone.
 */
import { CustomChart, ScatterChart, type CustomSeriesOption, type ScatterSeriesOption } from 'echarts/charts';
import {
  GridComponent,
  MarkAreaComponent,
  MarkLineComponent,
  TooltipComponent,
  type GridComponentOption,
  type MarkAreaComponentOption,
  type MarkLineComponentOption,
  type TooltipComponentOption,
} from 'echarts/components';
import { init, use, type ComposeOption } from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';
import { named, type Lang, type Translate } from '../../../i18n';
import { COLOURS } from './colours';
import type { Timeline as TimelineData } from './YearPage';

use([CustomChart, ScatterChart, GridComponent, TooltipComponent, MarkAreaComponent, MarkLineComponent, SVGRenderer]);

type Option = ComposeOption<CustomSeriesOption | ScatterSeriesOption | GridComponentOption | TooltipComponentOption | MarkAreaComponentOption | MarkLineComponentOption>;


const DAY = 86_400_000;
/** A Beijing calendar date as a point on the (UTC) axis. */
const dayStart = (date: string) => Date.parse(`${date}T00:00:00Z`);
/** A Beijing instant (`2016-11-09T23:59:59+08:00`) as the same wall-clock time on the axis. */
const wall = (beijing: string) => Date.parse(`${beijing.slice(0, 19)}Z`);

/** Consecutive days of one look as one band, so the picture draws a holiday week as one shade. */
function bands(days: TimelineData['calendar']['days'], look: (d: TimelineData['calendar']['days'][number]) => string | null) {
  const out: Array<{ look: string; from: number; to: number; label: string }> = [];
  for (const d of days) {
    const l = look(d);
    if (!l) continue;
    const from = dayStart(d.date);
    const last = out.at(-1);
    if (last && last.look === l && last.to === from) last.to = from + DAY;
    else out.push({ look: l, from, to: from + DAY, label: d.date });
  }
  return out;
}

export default function Timeline({ timeline, today, lang, t, toSuperior }: {
  timeline: TimelineData; today: string; lang: Lang; t: Translate; toSuperior: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!box.current) return undefined;
    const chart = init(box.current, undefined, { renderer: 'svg', locale: lang === 'en' ? 'EN' : 'ZH' });
    const rows = [...timeline.phases.map((p) => named(lang, p)), toSuperior];
    const at = (value: number) => {
      const d = new Date(value);
      return lang === 'en' ? d.toISOString().slice(5, 10) : `${d.getUTCMonth() + 1}月${d.getUTCDate()}日`;
    };
    const shade = (look: string) => (look === 'holiday' ? COLOURS.holiday : look === 'working' ? COLOURS.workingWeekend : COLOURS.weekend);
    const areas = bands(timeline.calendar.days, (d) => (!d.off ? 'working' : d.kind === 'holiday' ? 'holiday' : 'weekend')).map((b) => [
      {
        xAxis: b.from,
        itemStyle: { color: shade(b.look) },
        label: b.look === 'working' ? { show: true, position: 'insideTop' as const, formatter: t('班', 'W'), color: '#0958d9', fontSize: 11 } : { show: false },
      },
      { xAxis: b.to },
    ]);
    const todayAt = dayStart(today);
    const inRange = todayAt >= dayStart(timeline.firstDay) && todayAt < dayStart(timeline.lastDay) + DAY;
    const option: Option = {
      useUTC: true,
      animation: false,
      grid: { left: 150, right: 24, top: 28, bottom: 36 },
      tooltip: { trigger: 'item', confine: true },
      xAxis: {
        type: 'time',
        min: dayStart(timeline.firstDay),
        max: dayStart(timeline.lastDay) + DAY,
        axisLabel: { formatter: (v: number) => at(v), hideOverlap: true, color: '#434343' },
        splitLine: { show: false },
      },
      yAxis: { type: 'category', data: rows, inverse: true, axisLabel: { color: '#262626', width: 140, overflow: 'truncate' }, axisTick: { show: false } },
      series: [
        {
          type: 'custom',
          name: t('阶段', 'Phases'),
          encode: { x: [1, 2], y: 0 },
          data: timeline.phases.map((p, i) => ({
            value: [i, dayStart(p.opens), dayStart(p.closes) + DAY],
            name: named(lang, p),
            itemStyle: { color: COLOURS.phases[i % COLOURS.phases.length] },
          })),
          renderItem: (_params, api) => {
            const row = api.value(0) as number;
            const from = api.coord([api.value(1), row]);
            const to = api.coord([api.value(2), row]);
            const height = (api.size?.([0, 1]) as number[])[1] * 0.46;
            return { type: 'rect', shape: { x: from[0], y: from[1] - height / 2, width: Math.max(2, to[0] - from[0]), height, r: 3 }, style: api.style({ opacity: 0.85 }) };
          },
          tooltip: {
            formatter: (p) => {
              const phase = timeline.phases[(p as { dataIndex: number }).dataIndex];
              return `${named(lang, phase)}<br/>${phase.opens} – ${phase.closes}`;
            },
          },
          markArea: { silent: true, data: areas as never },
          markLine: inRange
            ? {
                silent: true,
                symbol: 'none',
                lineStyle: { color: COLOURS.today, width: 2, type: 'solid' },
                label: { formatter: t('今天', 'Today'), color: COLOURS.today, position: 'start' },
                data: [{ xAxis: todayAt + DAY / 2 }],
              }
            : undefined,
          z: 2,
        },
        {
          type: 'scatter',
          name: t('截止', 'Deadlines'),
          symbol: 'diamond',
          symbolSize: 13,
          itemStyle: { color: COLOURS.deadline, borderColor: '#fff', borderWidth: 1 },
          data: timeline.deadlines.map((d) => ({
            value: [wall(d.dueAt.beijing), named(lang, timeline.phases.find((p) => p.kind === d.phase))],
            name: named(lang, d),
          })),
          tooltip: {
            formatter: (p) => {
              const d = timeline.deadlines[(p as { dataIndex: number }).dataIndex];
              return `${named(lang, d)}<br/>${t('截止', 'Due')} ${lang === 'en' ? d.dueAt.en : d.dueAt.zh}`;
            },
          },
          z: 4,
        },
        {
          type: 'scatter',
          name: t(`初评开始、${toSuperior}`, `Review opens, ${toSuperior.toLowerCase()}`),
          symbolSize: 12,
          data: [
            {
              value: [wall(timeline.review.opensAt.beijing), named(lang, timeline.phases.find((p) => p.kind === 'preliminary-review'))],
              name: t('初评开始', 'Review opens'),
              symbol: 'circle',
              itemStyle: { color: COLOURS.reviewOpens },
            },
            { value: [wall(timeline.forwarding.at.beijing), rows.at(-1)!], name: toSuperior, symbol: 'rect', itemStyle: { color: COLOURS.forwarding } },
          ],
          tooltip: {
            formatter: (p) => {
              const i = (p as { dataIndex: number }).dataIndex;
              const when = i === 0 ? timeline.review.opensAt : timeline.forwarding.at;
              return `${(p as { name: string }).name}<br/>${lang === 'en' ? when.en : when.zh}`;
            },
          },
          z: 4,
        },
      ],
    };
    chart.setOption(option);
    // The box's width is the page's: follow it (a window resized, the side menu folded).
    const observer = new ResizeObserver(() => chart.resize());
    observer.observe(box.current);
    return () => {
      observer.disconnect();
      chart.dispose();
    };
  }, [timeline, today, lang, t, toSuperior]);
  return (
    <div
      ref={box}
      role="img"
      aria-label={t('年度日程图：各阶段、截止日、休息日与调休上班日；同样的日期以文字列在图下', "The year's timeline: phases, deadlines, days off and adjusted working days; the same dates are listed as text below it")}
      style={{ width: '100%', minWidth: 0, height: 300 }}
    />
  );
}
