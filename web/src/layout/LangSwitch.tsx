import { Button } from 'antd';
import { useLang } from '../i18n';

/** 中文 / English: named in the language it switches to, as language switches are. */
export function LangSwitch() {
  const { lang, setLang } = useLang();
  return lang === 'en' ? (
    <Button lang="zh-CN" aria-label="切换为中文" onClick={() => setLang('zh')}>中文</Button>
  ) : (
    <Button lang="en" aria-label="Switch to English" onClick={() => setLang('en')}>English</Button>
  );
}
