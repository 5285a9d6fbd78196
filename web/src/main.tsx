import { App as AntApp } from 'antd';
import { lazy, StrictMode, Suspense } from 'react';
import { createRoot } from 'react-dom/client';
import { createBrowserRouter, RouterProvider } from 'react-router';
import { AuthProvider } from './auth/AuthContext';
import { loadConfig } from './config';
import AppLayout, { Home } from './layout/AppLayout';
import './time';
import { LangProvider } from './i18n';

// One chunk per page: the first page loads only its own code.
const SignInPage = lazy(() => import('./auth/SignInPage'));
const WorkbenchPage = lazy(() => import('./pages/county/workbench/WorkbenchPage'));
const SubmitPage = lazy(() => import('./pages/county/submit/SubmitPage'));
const ReceiptPage = lazy(() => import('./pages/county/receipt/ReceiptPage'));
const OverviewPage = lazy(() => import('./pages/city/overview/OverviewPage'));
const ReviewPage = lazy(() => import('./pages/city/review/ReviewPage'));
const MessagesPage = lazy(() => import('./pages/county/messages/MessagesPage'));
const ReviewQueuePage = lazy(() => import('./pages/city/reviews/ReviewQueuePage'));
const AuditPage = lazy(() => import('./pages/city/audit/AuditPage'));
const ProposalsPage = lazy(() => import('./pages/city/proposals/ProposalsPage'));
const ForwardingPage = lazy(() => import('./pages/city/forwarding/ForwardingPage'));
const YearPage = lazy(() => import('./pages/city/year/YearPage'));
const DirectoryPage = lazy(() => import('./pages/city/directory/DirectoryPage'));

const router = createBrowserRouter([
  { path: '/login', element: <Suspense><SignInPage /></Suspense> },
  {
    element: <AppLayout />,
    children: [
      { index: true, element: <Home /> },
      { path: '/units/:unitId', element: <WorkbenchPage /> },
      { path: '/units/:unitId/deliverables/:deliverableId', element: <SubmitPage /> },
      { path: '/units/:unitId/deliverables/:deliverableId/versions/:version/receipt', element: <ReceiptPage /> },
      { path: '/overview', element: <OverviewPage /> },
      { path: '/units/:unitId/review', element: <ReviewPage /> },
      { path: '/units/:unitId/messages', element: <MessagesPage /> },
      { path: '/units/:unitId/audit', element: <AuditPage /> },
      { path: '/reviews', element: <ReviewQueuePage /> },
      { path: '/proposals', element: <ProposalsPage /> },
      { path: '/forwarding', element: <ForwardingPage /> },
      { path: '/year', element: <YearPage /> },
      { path: '/directory', element: <DirectoryPage /> },
    ],
  },
]);

await loadConfig();
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <LangProvider>
      <AntApp>
        <AuthProvider>
          <RouterProvider router={router} />
        </AuthProvider>
      </AntApp>
    </LangProvider>
  </StrictMode>,
);
