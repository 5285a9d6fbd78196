/** The frame of every signed-in page: side menu by role, the user and sign-out in the header. */
import { Button, Layout, Menu, Space, Spin, Typography } from 'antd';
import { Suspense } from 'react';
import { Navigate, Outlet, useLocation, useNavigate } from 'react-router';
import { homeOf, useAuth } from '../auth/AuthContext';

export default function AppLayout() {
  const { me, loading, signOut } = useAuth();
  const location = useLocation();
  const navigate = useNavigate();
  if (loading) return <Spin fullscreen description="加载中" />;
  if (!me) return <Navigate to="/login" replace state={{ from: location.pathname }} />;
  const items =
    me.role === 'city'
      ? [{ key: '/overview', label: '总览' }]
      : [{ key: `/units/${me.unitId}`, label: '工作台' }];
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Sider breakpoint="lg" collapsedWidth={0} theme="light" width={180}>
        <div style={{ padding: 16, fontWeight: 600 }}>无传销创建工作平台</div>
        <nav aria-label="主菜单">
          <Menu mode="inline" selectedKeys={[items.find((i) => location.pathname.startsWith(i.key))?.key ?? '']} items={items}
            onClick={({ key }) => navigate(key)} />
        </nav>
      </Layout.Sider>
      <Layout>
        <Layout.Header style={{ background: '#fff', display: 'flex', justifyContent: 'flex-end', paddingInline: 24 }}>
          <Space>
            <Typography.Text>
              {me.role === 'city' ? '市打传办' : '县打传办'}：{me.id}
            </Typography.Text>
            <Button onClick={async () => { await signOut(); navigate('/login'); }}>退出登录</Button>
          </Space>
        </Layout.Header>
        <Layout.Content style={{ padding: 24 }}>
          {/* Layout.Content is the page's <main> landmark. */}
          <Suspense fallback={<Spin description="加载中" />}>
            <Outlet />
          </Suspense>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}

export function Home() {
  const { me } = useAuth();
  return me ? <Navigate to={homeOf(me)} replace /> : <Navigate to="/login" replace />;
}
