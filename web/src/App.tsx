import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router';
import { ApiError } from './api/client';
import { AuthProvider, useAuth } from './auth';
import { Layout } from './components/Layout';
import { Loading } from './components/ui';
import { AnalyticsPage } from './pages/Analytics';
import { BatchDetailPage } from './pages/BatchDetail';
import { BatchesPage } from './pages/Batches';
import { BatchNewPage } from './pages/BatchNew';
import { ComparePage } from './pages/Compare';
import { DashboardPage } from './pages/Dashboard';
import { DatasetDetailPage, DatasetsPage } from './pages/Datasets';
import { ExperimentDetailPage } from './pages/ExperimentDetail';
import { ExperimentFormPage } from './pages/ExperimentForm';
import { ExperimentsPage } from './pages/Experiments';
import { LoginPage, RegisterPage } from './pages/Login';
import { SettingsPage } from './pages/Settings';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 2_000,
      refetchOnWindowFocus: false,
      // Client errors (4xx) will not get better by asking again.
      retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2,
    },
  },
});

function RequireAuth({ children }: { children: ReactNode }) {
  const { user, checking } = useAuth();
  const location = useLocation();
  if (checking) return <Loading label="Checking your session…" />;
  if (!user) return <Navigate to="/login" replace state={{ from: location.pathname }} />;
  return <>{children}</>;
}

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <AuthProvider>
        <BrowserRouter>
          <Routes>
            <Route path="/login" element={<LoginPage />} />
            <Route path="/register" element={<RegisterPage />} />
            <Route
              element={
                <RequireAuth>
                  <Layout />
                </RequireAuth>
              }
            >
              <Route index element={<DashboardPage />} />
              <Route path="experiments" element={<ExperimentsPage />} />
              <Route path="experiments/new" element={<ExperimentFormPage />} />
              <Route path="experiments/:id" element={<ExperimentDetailPage />} />
              <Route path="experiments/:id/edit" element={<ExperimentFormPage />} />
              <Route path="compare" element={<ComparePage />} />
              <Route path="batches" element={<BatchesPage />} />
              <Route path="batches/new" element={<BatchNewPage />} />
              <Route path="batches/:id" element={<BatchDetailPage />} />
              <Route path="analytics" element={<AnalyticsPage />} />
              <Route path="datasets" element={<DatasetsPage />} />
              <Route path="datasets/:id" element={<DatasetDetailPage />} />
              <Route path="settings" element={<SettingsPage />} />
              <Route path="*" element={<Navigate to="/" replace />} />
            </Route>
          </Routes>
        </BrowserRouter>
      </AuthProvider>
    </QueryClientProvider>
  );
}
