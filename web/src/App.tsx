import { BrowserRouter, Route, Routes } from 'react-router';
import { AppShell } from './components/AppShell';
import { PageHeader } from './components/PageHeader';
import { ToastProvider } from './components/Toasts';
import { AdminPage } from './features/admin/AdminPage';
import { AuthProvider } from './features/auth/auth-context';
import { RegisterPage } from './features/auth/RegisterPage';
import { AnonymousOnly, RequireAdmin, RequireAuth } from './features/auth/route-guards';
import { SignInPage } from './features/auth/SignInPage';
import { DocumentPage } from './features/documents/DocumentPage';
import { DocumentsPage } from './features/documents/DocumentsPage';
import { prefetchListAt } from './features/documents/use-document-list';
import { QuotaProvider } from './features/quota/quota-context';
import { SecurityPage } from './features/security/SecurityPage';
import { SettingsPage } from './features/settings/SettingsPage';
import { TopicsPage } from './features/topics/TopicsPage';
import { UploadProvider } from './features/upload/upload-context';

export function App() {
  return (
    <BrowserRouter>
      <ToastProvider>
        <AuthProvider onSessionRestored={() => prefetchListAt(window.location)}>
          <Routes>
            <Route
              path="/signin"
              element={
                <AnonymousOnly>
                  <SignInPage />
                </AnonymousOnly>
              }
            />
            <Route
              path="/register"
              element={
                <AnonymousOnly>
                  <RegisterPage />
                </AnonymousOnly>
              }
            />
            <Route
              element={
                <RequireAuth>
                  <QuotaProvider>
                    <UploadProvider>
                      <AppShell />
                    </UploadProvider>
                  </QuotaProvider>
                </RequireAuth>
              }
            >
              <Route index element={<DocumentsPage />} />
              <Route path="documents/:id" element={<DocumentPage />} />
              <Route path="topics" element={<TopicsPage />} />
              <Route path="settings" element={<SettingsPage />} />
              <Route path="security" element={<SecurityPage />} />
              <Route
                path="admin"
                element={
                  <RequireAdmin>
                    <AdminPage />
                  </RequireAdmin>
                }
              />
              <Route path="*" element={<NotFound />} />
            </Route>
          </Routes>
        </AuthProvider>
      </ToastProvider>
    </BrowserRouter>
  );
}

function NotFound() {
  return (
    <div className="page">
      <PageHeader title="Page not found" subtitle="There is nothing at this address. Use the menu to find your way." />
    </div>
  );
}
