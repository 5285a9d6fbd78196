/** The frame of every signed-in page: side menu by role, the user and sign-out in the header. */
import { Button, Empty, Layout, Menu, Select, Space, Spin, Typography } from 'antd';
import { MenuOutlined } from '@ant-design/icons';
import { Suspense, useEffect, useState } from 'react';
import { Link, Navigate, Outlet, useLocation, useNavigate } from 'react-router';
import { homeOf, useAuth } from '../auth/AuthContext';
import { LangSwitch } from './LangSwitch';
import { useLevelWords } from '../levels';
import { named, useLang } from '../i18n';
import './layout.css';

export default function AppLayout() {
  const { me, cycles, cycle, chooseCycle, loading, signOut } = useAuth();
  const location = useLocation();
  const navigate = useNavigate();
  const { t, lang } = useLang();
  const words = useLevelWords();
  // Under antd's lg breakpoint the side menu folds away; it opens over the page from a button in the header
  // (a real button with a name, reachable from the keyboard, not the Sider's own unnamed trigger).
  const [narrow, setNarrow] = useState(false);
  const [menuClosed, setMenuClosed] = useState(false);
  // An email's link names its cycle (`?cycle=`): open that one when the user works in it, once; the
  // parameter then leaves the address, so choosing another cycle in the header is not undone.
  const linked = new URLSearchParams(location.search).get('cycle');
  useEffect(() => {
    if (!linked || !me) return;
    if (cycles.some((c) => c.cycleId === linked)) chooseCycle(linked);
    navigate({ pathname: location.pathname, search: '' }, { replace: true });
  }, [linked, me, cycles, chooseCycle, navigate, location.pathname]);
  if (loading) return <Spin fullscreen description={t('加载中', 'Loading')} />;
  if (!me) return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  const items =
    me.role === 'city'
      ? [
          { key: '/overview', label: t('总览', 'Overview') },
          { key: '/reviews', label: t('初评队列', 'Reviews') },
          { key: '/proposals', label: t('督办提议', 'Proposals') },
          { key: '/forwarding', label: t('上报确认', 'Sign-off') },
          { key: '/inspections', label: t('交叉检查', 'Cross-inspection') },
          { key: '/year', label: t('年度计划', 'Yearly plan') },
          { key: '/directory', label: t('通讯录', 'Directory') },
          { key: '/documents', label: t('文件', 'Documents') },
        ]
      : me.role === 'inspector'
        ? [{ key: '/inspections', label: t('交叉检查', 'Cross-inspection') }]
      : [
          { key: `/units/${me.unitId}`, label: t('工作台', 'Workbench') },
          { key: `/units/${me.unitId}/messages`, label: t('消息', 'Messages') },
        ];
  // The deepest menu entry the path is under (消息 lies under the 工作台's path).
  const selected = items.filter((i) => location.pathname.startsWith(i.key)).sort((a, b) => b.key.length - a.key.length)[0]?.key ?? '';
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Sider breakpoint="lg" collapsedWidth={0} theme="light" width={180} trigger={null} collapsed={menuClosed} id="main-menu"
        onBreakpoint={(broken) => { setNarrow(broken); setMenuClosed(broken); }}
        style={narrow ? { position: 'fixed', insetBlock: 0, insetInlineStart: 0, zIndex: 20, boxShadow: '2px 0 8px rgba(0,0,0,0.15)' } : undefined}>
        <div style={{ padding: 16, fontWeight: 600 }}>{t('无传销创建工作平台', 'Pyramid-selling-free campaign')}</div>
        <nav aria-label={t('主菜单', 'Main menu')}>
          <Menu mode="inline" selectedKeys={[selected]} items={items}
            onClick={({ key }) => { navigate(key); if (narrow) setMenuClosed(true); }} />
        </nav>
      </Layout.Sider>
      <Layout>
        <Layout.Header className="portal-header">
          {narrow && (
            <Button icon={<MenuOutlined />} aria-label={t('主菜单', 'Main menu')} aria-expanded={!menuClosed} aria-controls="main-menu"
              onClick={() => setMenuClosed((closed) => !closed)} />
          )}
          {/* The cycle the pages show (a choice when the user works in several); a long title is cut, whole on hover. */}
          <div className="portal-header-cycle" title={named(lang, cycle)}>
            {cycles.length > 1 ? (
              <Select aria-label={t('工作周期', 'Cycle')} value={cycle?.cycleId} style={{ width: 320, maxWidth: '100%' }} onChange={chooseCycle}
                options={cycles.map((c) => ({ value: c.cycleId, label: named(lang, c) }))} />
            ) : named(lang, cycle)}
          </div>
          <Space wrap>
            <Typography.Text>
              {capitalised(me.role === 'city' ? words.office : me.role === 'inspector' ? (named(lang, cycle?.group) || t('检查组', 'Inspection group')) : words.unitOffice)}
              {t('：', ': ')}
              {me.id}
            </Typography.Text>
            <LangSwitch />
            <Button onClick={async () => { await signOut(); navigate('/login'); }}>{t('退出登录', 'Sign out')}</Button>
          </Space>
        </Layout.Header>
        <Layout.Content className="portal-content">
          {/* Layout.Content is the page's <main> landmark. */}
          <Suspense fallback={<Spin description={t('加载中', 'Loading')} />}>
            {/* A page belongs to one cycle and one language: choosing another remounts it, so it reads again.
                年度计划 belongs to none (it starts cycles, the first one too), and keeps its plan across both. */}
            {location.pathname === '/year' ? (
              <Outlet />
            ) : cycle ? (
              <div key={`${cycle.cycleId}:${lang}`}>
                <Outlet />
              </div>
            ) : (
              <Empty description={t('您目前没有参与的工作周期', 'You take part in no cycle at the moment')}>
                {me.role === 'city' && <Link to="/year">{t('在“年度计划”中载入并启动工作周期', 'Load and start a cycle under “Yearly plan”')}</Link>}
              </Empty>
            )}
          </Suspense>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}

/** 'the city office' heads a line as 'The city office'; Chinese is unchanged. */
const capitalised = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

export function Home() {
  const { me } = useAuth();
  return me ? <Navigate to={homeOf(me)} replace /> : <Navigate to="/login" replace />;
}
