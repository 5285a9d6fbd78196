/**
 * 登录: password sign-in, the first sign-in's new password (admin-created accounts start with a temporary
 * one), and a forgotten password reset with the emailed code. Cognito does the checking; this page only asks.
 */
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { homeOf, useAuth } from './AuthContext';
import { authErrorText, confirmForgotPassword, forgotPassword, setNewPassword, signIn } from './session';

type Step = { kind: 'password' } | { kind: 'new-password'; username: string; challengeSession: string } | { kind: 'forgot' } | { kind: 'reset'; username: string; destination: string };

export default function SignInPage() {
  const { me, refresh } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const [step, setStep] = useState<Step>({ kind: 'password' });
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [busy, setBusy] = useState(false);
  if (me) return <Navigate to={(location.state as { from?: string } | null)?.from ?? homeOf(me)} replace />;

  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await work();
    } catch (e) {
      setError(authErrorText(e));
    } finally {
      setBusy(false);
    }
  };
  const done = async () => {
    await refresh();
    navigate((location.state as { from?: string } | null)?.from ?? '/', { replace: true });
  };

  return (
    <main style={{ minHeight: '100vh', display: 'grid', placeItems: 'center', background: '#f0f2f5' }}>
      <Card style={{ width: 400, maxWidth: '92vw' }}>
        <Typography.Title level={3} style={{ textAlign: 'center' }}>
          无传销创建工作平台
        </Typography.Title>
        {notice && <Alert type="success" title={notice} showIcon style={{ marginBottom: 16 }} />}
        {error && <Alert type="error" title={error} showIcon role="alert" style={{ marginBottom: 16 }} />}
        {step.kind === 'password' && (
          <Form layout="vertical" onFinish={(v: { username: string; password: string }) =>
            run(async () => {
              const out = await signIn(v.username.trim(), v.password);
              if (out.kind === 'new-password') {
                setNotice('首次登录，请设置新密码');
                setStep({ kind: 'new-password', username: out.username, challengeSession: out.challengeSession });
              } else await done();
            })}>
            <Form.Item label="用户名" name="username" rules={[{ required: true, message: '请输入用户名' }]}>
              <Input autoComplete="username" autoFocus />
            </Form.Item>
            <Form.Item label="密码" name="password" rules={[{ required: true, message: '请输入密码' }]}>
              <Input.Password autoComplete="current-password" />
            </Form.Item>
            <Button type="primary" htmlType="submit" block loading={busy}>
              登录
            </Button>
            <Button type="link" block onClick={() => { setError(undefined); setStep({ kind: 'forgot' }); }}>
              忘记密码
            </Button>
          </Form>
        )}
        {step.kind === 'new-password' && (
          <Form layout="vertical" onFinish={(v: { newPassword: string }) =>
            run(async () => {
              await setNewPassword(step.username, step.challengeSession, v.newPassword);
              await done();
            })}>
            <Form.Item label="新密码" name="newPassword" rules={[{ required: true, message: '请输入新密码' }]}>
              <Input.Password autoComplete="new-password" autoFocus />
            </Form.Item>
            <Form.Item label="确认新密码" name="confirm" dependencies={['newPassword']} rules={[
              { required: true, message: '请再次输入新密码' },
              ({ getFieldValue }) => ({ validator: (_, value) => (value === getFieldValue('newPassword') ? Promise.resolve() : Promise.reject(new Error('两次输入的密码不一致'))) }),
            ]}>
              <Input.Password autoComplete="new-password" />
            </Form.Item>
            <Button type="primary" htmlType="submit" block loading={busy}>
              设置新密码并登录
            </Button>
          </Form>
        )}
        {step.kind === 'forgot' && (
          <Form layout="vertical" onFinish={(v: { username: string }) =>
            run(async () => {
              const destination = await forgotPassword(v.username.trim());
              setNotice(`验证码已发送至 ${destination}`);
              setStep({ kind: 'reset', username: v.username.trim(), destination });
            })}>
            <Form.Item label="用户名" name="username" rules={[{ required: true, message: '请输入用户名' }]}>
              <Input autoComplete="username" autoFocus />
            </Form.Item>
            <Button type="primary" htmlType="submit" block loading={busy}>
              发送验证码
            </Button>
            <Button type="link" block onClick={() => setStep({ kind: 'password' })}>
              返回登录
            </Button>
          </Form>
        )}
        {step.kind === 'reset' && (
          <Form layout="vertical" onFinish={(v: { code: string; password: string }) =>
            run(async () => {
              await confirmForgotPassword(step.username, v.code.trim(), v.password);
              setNotice('密码已重置，请用新密码登录');
              setStep({ kind: 'password' });
            })}>
            <Form.Item label="验证码" name="code" rules={[{ required: true, message: '请输入验证码' }]}>
              <Input autoComplete="one-time-code" autoFocus />
            </Form.Item>
            <Form.Item label="新密码" name="password" rules={[{ required: true, message: '请输入新密码' }]}>
              <Input.Password autoComplete="new-password" />
            </Form.Item>
            <Button type="primary" htmlType="submit" block loading={busy}>
              重置密码
            </Button>
          </Form>
        )}
      </Card>
    </main>
  );
}
