/** The timeline picture's colours (Timeline.tsx), which the page's legend (YearPage.tsx) draws its swatches with. */
export const COLOURS = {
  phases: ['#1677ff', '#08979c', '#d46b08', '#722ed1'],
  deadline: '#cf1322',
  reviewOpens: '#1f1f1f',
  forwarding: '#237804',
  today: '#f5222d',
  weekend: 'rgba(0, 0, 0, 0.07)',
  holiday: 'rgba(245, 34, 45, 0.14)',
  workingWeekend: 'rgba(22, 119, 255, 0.22)',
} as const;
