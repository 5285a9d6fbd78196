/**
 * Ant Design's default colours, darkened where they fail WCAG AA's 4.5:1 contrast on white or on their
 * own light backgrounds (primary blue #1677ff on white is 4.1:1; secondary text at 45 % black is 2.8:1;
 * the status colours of tags and alerts are lighter still). The hues stay those of the 三色预警
 * (green, yellow, red) that government supervision systems use; only their depth changes. Tags take these
 * status colours (success, warning, error, processing), not antd's preset palette (orange, green…), whose
 * text shades are under 4.5:1 and cannot be set from the theme.
 */
import type { ThemeConfig } from 'antd';

export const THEME: ThemeConfig = {
  token: {
    colorPrimary: '#0958d9',
    colorInfo: '#0958d9',
    colorLink: '#0958d9',
    // Hovered and pressed: darker still (derived, a hovered button's #2e7ae6 was 4.2:1).
    colorPrimaryHover: '#003eb3',
    colorPrimaryActive: '#002c8c',
    colorLinkHover: '#003eb3',
    colorLinkActive: '#002c8c',
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
    colorTextSecondary: 'rgba(0, 0, 0, 0.68)',
    colorTextTertiary: 'rgba(0, 0, 0, 0.68)',
    colorTextDescription: 'rgba(0, 0, 0, 0.68)',
    // Placeholders and empty lists are text people read (「全部单位」, 「暂无数据」); disabled controls stay
    // recognisable by their grey background.
    colorTextPlaceholder: 'rgba(0, 0, 0, 0.6)',
    colorTextDisabled: 'rgba(0, 0, 0, 0.56)',
  },
};
