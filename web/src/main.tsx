import { theme } from 'antd';
import { lazy, StrictMode, Suspense, type ReactNode } from 'react';
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
const DocumentsPage = lazy(() => import('./pages/city/documents/DocumentsPage'));
const RosterPage = lazy(() => import('./pages/county/roster/RosterPage'));
const InspectionsPage = lazy(() => import('./pages/inspection/InspectionsPage'));
const UnitInspectionPage = lazy(() => import('./pages/inspection/UnitInspectionPage'));

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
      { path: '/documents', element: <DocumentsPage /> },
      { path: '/units/:unitId/roster', element: <RosterPage /> },
      { path: '/units/:unitId/sample', element: <RosterPage /> },
      { path: '/inspections', element: <InspectionsPage /> },
      { path: '/units/:unitId/inspection/:windowId', element: <UnitInspectionPage /> },
    ],
  },
]);

/**
 * The text style antd's <App> would give (colour, size, line height and font from the theme), without <App>
 * itself: it also brings the message, notification and modal hooks (about 17 KB gzipped on every first page),
 * which no page uses.
 */
function BaseText({ children }: { children: ReactNode }) {
  const { token } = theme.useToken();
  return (
    <div style={{ color: token.colorText, fontSize: token.fontSize, lineHeight: token.lineHeight, fontFamily: token.fontFamily }}>
      {children}
    </div>
  );
}

await loadConfig();
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <LangProvider>
      <BaseText>
        <AuthProvider>
          <RouterProvider router={router} />
        </AuthProvider>
      </BaseText>
    </LangProvider>
  </StrictMode>,
);
