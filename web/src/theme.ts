/**
 * Ant Design's default colours, darkened where they fail WCAG AA's 4.5:1 contrast on white or on their
 * own light backgrounds (primary blue #1677ff on white is 4.1:1; secondary text at 45 % black is 2.8:1;
 * the status colours of tags and alerts are lighter still). The hues stay those of the 三色预警
 * (green, yellow, red) that government supervision systems use; only their depth changes.
 */
import type { ThemeConfig } from 'antd';

export const THEME: ThemeConfig = {
  token: {
    colorPrimary: '#0958d9',
    colorInfo: '#0958d9',
    colorLink: '#0958d9',
    // Status colours (tags, alerts, icons) with the light backgrounds antd derives from its own defaults:
    // derived from these darker seeds, the backgrounds came out grey (#adb8a5) and the text unreadable.
    colorSuccess: '#237804',
    colorSuccessBg: '#f6ffed',
    colorSuccessBorder: '#b7eb8f',
    colorWarning: '#874d00',
    colorWarningBg: '#fffbe6',
    colorWarningBorder: '#ffe58f',
    colorError: '#cf1322',
    colorErrorBg: '#fff1f0',
    colorErrorBorder: '#ffccc7',
    colorInfoBg: '#e6f4ff',
    colorInfoBorder: '#91caff',
    // Preset tag colours take their text from shade 7 of each palette: one shade or two darker.
    orange7: '#873800',
    green7: '#135200',
    red7: '#a8071a',
    blue7: '#003eb3',
    purple7: '#391085',
    colorTextSecondary: 'rgba(0, 0, 0, 0.68)',
    colorTextTertiary: 'rgba(0, 0, 0, 0.68)',
    colorTextDescription: 'rgba(0, 0, 0, 0.68)',
    // Placeholders and empty lists are text people read (「全部单位」, 「暂无数据」); disabled controls stay
    // recognisable by their grey background.
    colorTextPlaceholder: 'rgba(0, 0, 0, 0.6)',
    colorTextDisabled: 'rgba(0, 0, 0, 0.56)',
  },
};
