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
    colorSuccess: '#237804',
    colorWarning: '#874d00',
    colorError: '#cf1322',
    colorTextSecondary: 'rgba(0, 0, 0, 0.68)',
    colorTextTertiary: 'rgba(0, 0, 0, 0.68)',
    colorTextDescription: 'rgba(0, 0, 0, 0.68)',
  },
};
