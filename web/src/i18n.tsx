/**
 * The interface language: zh-CN by default, English on a switch (kept in this browser). Each string is
 * written where it is used, both ways: `t('总览', 'Overview')`; names from the plan through `named()`,
 * which takes the plan's English name when there is one. The API answers in the same language
 * (Accept-Language), so its errors and problems read as the page does.
 */
import { ConfigProvider } from 'antd';
import type { Locale } from 'antd/es/locale';
import zhCN from 'antd/locale/zh_CN';
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { THEME } from './theme';

export type Lang = 'zh' | 'en';
const STORED = 'portal.lang';

function stored(): Lang {
  try {
    return localStorage.getItem(STORED) === 'en' ? 'en' : 'zh';
  } catch {
    return 'zh';
  }
}

let current: Lang = stored();
/** The language outside React (the API client's header, the date formats). */
export const currentLang = () => current;

function apply(lang: Lang) {
  current = lang;
  dayjs.locale(lang === 'en' ? 'en' : 'zh-cn');
  document.documentElement.lang = lang === 'en' ? 'en' : 'zh-CN';
}
apply(current);

export interface Translate {
  (zh: string, en: string): string;
  lang: Lang;
}

/** A plan's name in the interface language: `nameEn` (or `titleEn`) when the plan gives one. */
export function named(lang: Lang, o: { name?: string; nameEn?: string | null; title?: string; titleEn?: string | null } | null | undefined): string {
  if (!o) return '';
  if (lang === 'en') return o.nameEn ?? o.titleEn ?? o.name ?? o.title ?? '';
  return o.name ?? o.title ?? '';
}

const LangContext = createContext<{ lang: Lang; setLang(lang: Lang): void }>({ lang: 'zh', setLang: () => {} });

/** antd's English texts are fetched when English is first chosen: most users never switch. */
let english: Locale | undefined;
const loadEnglish = async () => (english ??= (await import('antd/locale/en_US')).default);

export function LangProvider({ children }: { children: ReactNode }) {
  const [lang, setState] = useState<Lang>(current);
  const [enUS, setEnUS] = useState<Locale | undefined>(english);
  useEffect(() => {
    if (lang === 'en' && !enUS) void loadEnglish().then(setEnUS);
  }, [lang, enUS]);
  const setLang = useCallback((next: Lang) => {
    apply(next);
    try {
      localStorage.setItem(STORED, next);
    } catch {
      /* a browser that keeps nothing still switches for this visit */
    }
    setState(next);
  }, []);
  return (
    <LangContext.Provider value={{ lang, setLang }}>
      {/* No space inserted between two-character labels (登 录): the accessible name stays the word itself. */}
      <ConfigProvider locale={lang === 'en' ? (enUS ?? zhCN) : zhCN} theme={THEME} button={{ autoInsertSpace: false }}>
        {children}
      </ConfigProvider>
    </LangContext.Provider>
  );
}

/** `t(zh, en)` in the interface language, plus the language and its switch. */
export function useLang() {
  const { lang, setLang } = useContext(LangContext);
  const t = useMemo(() => Object.assign((zh: string, en: string) => (lang === 'en' ? en : zh), { lang }) as Translate, [lang]);
  const name = useCallback((o: Parameters<typeof named>[1]) => named(lang, o), [lang]);
  return { t, lang, setLang, named: name };
}
